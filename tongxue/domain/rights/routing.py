"""Where a concern should go: a suggestion from its words (RGT-1, "Route").

The plans send a concern to whoever can act on it (RGT-1 · GS-10, CQ-5); the category's
default handler is the first guess. This is the second: learned from the school's own
concerns that were handled to their end, it tells the handler which office or unit
took concerns like this one. It is only ever **shown as a suggestion**; a person
chooses and confirms the hand-over.

The classifier is a multinomial naive Bayes over the concern's words, binarised (a
word counts once per concern: short texts repeat little, and jieba's search mode
already gives 食堂饭菜 as 食堂, 饭菜 and 食堂饭菜), with Laplace smoothing::

    score(h | d) = log P(h) + Σ_{w ∈ d ∩ V} log P(w | h)
    P(h)         = n(h) / n                          the share of examples h handled
    P(w | h)     = (c(w, h) + α) / (c(h) + α · |V|)  α = 1

``n(h)`` the examples handled by ``h``, ``c(w, h)`` those of them holding ``w``,
``c(h)`` the sum of ``c(w, h)`` over the vocabulary ``V`` of every example. Words
never seen in training say nothing about any handler and are left out. The
**confidence** is the posterior ``P(h | d)``: the scores normalised over the handlers
learned. It is explainable: the words of the concern that speak most for the handler
suggested (the most likely under it compared with the next handler's) come with it.

Tongxue's choices (the plans have no such numbers): no suggestion before
:data:`MIN_EXAMPLES` handled concerns were learned from, nor below
:data:`MIN_CONFIDENCE`; at most :data:`MAX_EXAMPLES` (the latest) are learned from.
Equal scores are broken deterministically: the handler with more examples, then the
smaller label (``str``).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Container, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = [
    "ALPHA",
    "MAX_EXAMPLES",
    "MAX_WORDS_SHOWN",
    "MIN_CONFIDENCE",
    "MIN_EXAMPLES",
    "Router",
    "Suggestion",
    "train",
]

L = TypeVar("L", bound=Hashable)

#: No suggestion before a school's model learned from this many handled concerns:
#: with fewer, one or two concerns decide. Tongxue's choice, not in the plans.
MIN_EXAMPLES = 20
#: No suggestion whose posterior is below this: a guess between two offices is no
#: help. Tongxue's choice, not in the plans.
MIN_CONFIDENCE = 0.6
#: The latest handled concerns a school's model learns from (a bound on the work of
#: training, and recent handling counts most). Tongxue's choice, not in the plans.
MAX_EXAMPLES = 2000
#: Laplace smoothing.
ALPHA = 1.0
#: The concern's words shown as the reason for a suggestion.
MAX_WORDS_SHOWN = 3


@dataclass(frozen=True)
class Suggestion(Generic[L]):
    """Where to forward: ``handler``, its posterior ``confidence`` (0–1), the number of
    ``examples`` the model learned from, and the concern's ``words`` that speak most
    for it (best first)."""

    handler: L
    confidence: float
    examples: int
    words: tuple[str, ...] = ()


class Router(Generic[L]):
    """A trained model (:func:`train`): immutable, safe to share between threads."""

    def __init__(
        self,
        docs: dict[L, int],
        word_docs: dict[str, dict[L, int]],
        totals: dict[L, int],
        examples: int,
    ) -> None:
        self._docs = docs
        self._word_docs = word_docs
        self._totals = totals
        #: The number of handled concerns learned from.
        self.examples = examples
        # The handlers, in the tie-break order (more examples first, then the label).
        self.handlers: tuple[L, ...] = tuple(
            sorted(docs, key=lambda h: (-docs[h], str(h)))
        )

    def _log_word(self, word: str, handler: L) -> float:
        """log P(word | handler), smoothed."""
        seen = self._word_docs[word].get(handler, 0)
        vocabulary = len(self._word_docs)
        return math.log(
            (seen + ALPHA) / (self._totals.get(handler, 0) + ALPHA * vocabulary)
        )

    def known(self, tokens: Iterable[str]) -> list[str]:
        """The distinct words of ``tokens`` seen in training, in their order."""
        return [w for w in dict.fromkeys(tokens) if w in self._word_docs]

    def posteriors(self, tokens: Iterable[str]) -> list[tuple[L, float]]:
        """Every handler learned with its posterior for ``tokens``, best first (ties:
        more examples first, then the smaller label). Empty when nothing was learned."""
        if not self.examples or not self._docs:
            return []
        words = self.known(tokens)
        scores = {
            h: math.log(self._docs[h] / self.examples)
            + sum(self._log_word(w, h) for w in words)
            for h in self.handlers
        }
        top = max(scores.values())
        weights = {h: math.exp(s - top) for h, s in scores.items()}
        total = sum(weights.values())
        order = {h: i for i, h in enumerate(self.handlers)}
        return sorted(
            ((h, weights[h] / total) for h in self.handlers),
            key=lambda hp: (-scores[hp[0]], order[hp[0]]),
        )

    def reasons(self, tokens: Iterable[str], handler: L) -> tuple[str, ...]:
        """The words of ``tokens`` that speak most for ``handler``: more likely under it
        than under any other handler, by the largest margin first (ties: in the
        text's order); at most :data:`MAX_WORDS_SHOWN`."""
        others = [h for h in self.handlers if h != handler]
        if not others:
            return ()
        margins = []
        for i, w in enumerate(self.known(tokens)):
            own = self._log_word(w, handler)
            margin = own - max(self._log_word(w, h) for h in others)
            if margin > 0:
                margins.append((-margin, i, w))
        return tuple(w for _m, _i, w in sorted(margins)[:MAX_WORDS_SHOWN])

    def suggest(
        self,
        tokens: Sequence[str],
        *,
        allowed: Container[L] | None = None,
        min_examples: int = MIN_EXAMPLES,
        min_confidence: float = MIN_CONFIDENCE,
    ) -> Suggestion[L] | None:
        """The handler to suggest for a concern of these words, or None: fewer than
        ``min_examples`` learned from, no word of the concern ever seen, the best
        handler's posterior below ``min_confidence``, or the best handler not in
        ``allowed`` (where the concern may go: not where it is already — then it is
        where it should be, and the next best is no suggestion either)."""
        if self.examples < min_examples or not self.known(tokens):
            return None
        ranked = self.posteriors(tokens)
        if not ranked:
            return None
        handler, confidence = ranked[0]
        if confidence < min_confidence:
            return None
        if allowed is not None and handler not in allowed:
            return None
        return Suggestion(
            handler=handler,
            confidence=confidence,
            examples=self.examples,
            words=self.reasons(tokens, handler),
        )


def train(examples: Iterable[tuple[Iterable[str], L]]) -> Router[L]:
    """Learn from handled concerns: each its words and the handler that concluded it.

    An example without words still counts (in the handlers' shares and in
    :attr:`Router.examples`)."""
    docs: Counter[L] = Counter()
    word_docs: defaultdict[str, Counter[L]] = defaultdict(Counter)
    totals: Counter[L] = Counter()
    n = 0
    for tokens, handler in examples:
        n += 1
        docs[handler] += 1
        distinct = [w for w in dict.fromkeys(tokens) if w]
        for w in distinct:
            word_docs[w][handler] += 1
        totals[handler] += len(distinct)
    return Router(
        docs=dict(docs),
        word_docs={w: dict(c) for w, c in word_docs.items()},
        totals=dict(totals),
        examples=n,
    )
