"""Which buttons a page shows for an object's state: the transition table (#13).

An app describes the steps of one kind of object once, as data: for each step its
action (the name in the URL), the state it moves to, its label, the permission it
needs, its confirmation and how its form looks. The table is checked against the
lifecycle when it is built (:mod:`tongxue.domain.lifecycle`): a page never offers a
move the service would refuse. A view asks :meth:`TransitionTable.buttons` for the
buttons of the object's current state and the actor's permissions; the template
renders them with one partial::

    {% include "partials/_transitions.html" with buttons=buttons %}

Each button is one of:

* a link to the app's confirmation page (``link=True``: elections);
* a form of its own with a CSRF token, its ``fields`` template and a submit button;
  folded into a ``<details>`` whose summary is the label (``fold=True``) to confirm
  (the question ``confirm``, then ``submit``, by default "Yes, continue");
* a submit button of a form elsewhere on the page (``form``: the shortlist's check
  boxes sit beside each application).

The services still check everything themselves; the table only decides what is shown,
and lets the view find the service of an action (:meth:`TransitionTable.step`).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tongxue.domain.lifecycle import Lifecycle

__all__ = ["Button", "Step", "TransitionTable"]


@dataclass(frozen=True)
class Step:
    """One step a page may offer: a move to ``target``, or an action that moves nothing.

    ``perm`` is the permission the actor needs at the object's organisation (a
    :class:`~tongxue.core.permissions.Perm`), or a grant the view gives by another
    rule ("cadre": the cadre concerned). ``sources`` are the states the step is shown
    in; for a move they default to every state the lifecycle lets move to ``target``.
    Labels and texts are lazy translations (``gettext_lazy``).
    """

    action: str
    label: Any
    perm: str
    target: str = ""
    sources: tuple[str, ...] = ()
    #: The question or explanation shown before acting (folded form, confirm page).
    confirm: Any = ""
    #: The form is folded into a <details> whose summary is the label.
    fold: bool = False
    #: The submit button's text of a folded form (default "Yes, continue").
    submit: Any = ""
    #: Drawn as a secondary button (it undoes or ends something).
    destructive: bool = False
    #: A link to the app's own confirmation page rather than a form.
    link: bool = False
    #: The template of the fields inside the form (a text area, a check box).
    fields: str = ""
    #: The id of a form elsewhere on the page that the button submits.
    form: str = ""
    #: HTML ids the pages and their tests use: of the <details>, the form, the button.
    details_id: str = ""
    form_id: str = ""
    button_id: str = ""
    #: The service the view calls for this action.
    service: Callable[..., Any] | None = None
    #: What the app's view reads besides (e.g. whether a comment is required).
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Button:
    """A step as one page shows it: with its URL and whether it is shown open."""

    step: Step
    url: str
    open: bool = False


class TransitionTable:
    """The steps of one kind of object, checked against its lifecycle.

    ``field`` is the object's state attribute (``status`` or ``state``).
    """

    def __init__(
        self, lifecycle: Lifecycle, steps: Iterable[Step], *, field: str = "status"
    ) -> None:
        self.lifecycle = lifecycle
        self.field = field
        self.steps: tuple[Step, ...] = tuple(steps)
        self._by_action: dict[str, Step] = {}
        self._sources: dict[str, tuple[str, ...]] = {}
        for step in self.steps:
            if step.action in self._by_action:
                raise ValueError(f"{lifecycle.name}: action {step.action} twice")
            self._by_action[step.action] = step
            self._sources[step.action] = self._check(step)

    def _check(self, step: Step) -> tuple[str, ...]:
        """Return the step's source states, refusing a move the lifecycle forbids."""
        lc = self.lifecycle
        unknown = [s for s in (*step.sources, step.target) if s and s not in lc.labels]
        if unknown:
            raise ValueError(f"{lc.name}.{step.action}: unknown states {unknown}")
        if not step.target:
            if not step.sources:
                raise ValueError(f"{lc.name}.{step.action}: no state shows it")
            return step.sources
        sources = step.sources or lc.sources(step.target)
        wrong = [s for s in sources if not lc.can(s, step.target)]
        if wrong or not sources:
            raise ValueError(
                f"{lc.name}.{step.action}: {wrong or 'no state'} cannot move to "
                f"{step.target}"
            )
        return sources

    def step(self, action: str) -> Step | None:
        """Return the step named ``action``, or None."""
        return self._by_action.get(action)

    def sources(self, step: Step) -> tuple[str, ...]:
        """Return the states in which ``step`` is shown."""
        return self._sources[step.action]

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.field))

    def allows(
        self,
        step: Step,
        obj: Any,
        grants: Container[str],
        when: Mapping[str, bool] | None = None,
    ) -> bool:
        """Whether the page offers ``step`` for ``obj`` to an actor with ``grants``.

        ``when`` leaves out the steps whose condition is False (keyed by action):
        a condition the state does not say (the count asks for a next round).
        """
        return (
            step.perm in grants
            and self.state_of(obj) in self._sources[step.action]
            and (when or {}).get(step.action, True)
        )

    def buttons(
        self,
        obj: Any,
        grants: Container[str],
        *,
        url: Callable[[Step], str],
        when: Mapping[str, bool] | None = None,
        opened: str = "",
    ) -> list[Button]:
        """Return the buttons the page shows for ``obj``, in the table's order.

        ``url(step)`` is the address the button posts to (or links to);
        ``opened`` is the action whose folded form is shown open (after a refusal).
        """
        return [
            Button(step, url(step), open=step.action == opened)
            for step in self.steps
            if self.allows(step, obj, grants, when)
        ]
