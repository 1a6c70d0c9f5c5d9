"""``tongxue manage check`` warns when the printed notices would lose their Chinese (#16)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from tongxue.core import checks


def run_check() -> str:
    out, err = StringIO(), StringIO()
    call_command("check", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_check_warns_when_no_cjk_font_is_found(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(checks, "find_cjk_font", lambda: False)
    output = run_check()
    assert "tongxue.W001" in output and "fonts-noto-cjk" in output


def test_check_says_it_cannot_tell_without_fontconfig(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(checks, "find_cjk_font", lambda: None)
    output = run_check()
    assert "tongxue.W002" in output and "tongxue.W001" not in output


def test_check_is_quiet_when_a_cjk_font_is_installed(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(checks, "find_cjk_font", lambda: True)
    output = run_check()
    assert "tongxue.W00" not in output


def test_without_fontconfig_the_finder_looks_for_font_files(
    monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(checks.shutil, "which", lambda name: None)
    monkeypatch.setattr(checks, "FONT_DIRS", (tmp_path / "missing", tmp_path))
    assert checks.find_cjk_font() is None  # no fontconfig, no known file: can't tell
    (tmp_path / "opentype" / "noto").mkdir(parents=True)
    (tmp_path / "opentype" / "noto" / "NotoSansCJK-Regular.ttc").write_bytes(b"")
    assert checks.find_cjk_font() is True


def test_with_fontconfig_the_finder_asks_for_chinese_fonts(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls = []

    class Done:
        def __init__(self, stdout: str) -> None:
            self.stdout = stdout

    def fake_run(cmd, **kw):  # type: ignore[no-untyped-def]
        calls.append(cmd)
        return Done(stdout)

    monkeypatch.setattr(checks.shutil, "which", lambda name: "/usr/bin/fc-list")
    monkeypatch.setattr(checks.subprocess, "run", fake_run)
    stdout = ""
    assert checks.find_cjk_font() is False
    stdout = "Noto Sans CJK SC,Noto Sans CJK SC Regular\n"
    assert checks.find_cjk_font() is True
    assert calls[0][1] == ":lang=zh"
