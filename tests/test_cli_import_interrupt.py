"""Ctrl-C while a command imports an extension module on first use is an interrupt."""

from __future__ import annotations

import pytest

from evramp import cli


def interrupted_import() -> None:
    """What pybind11 raises when a KeyboardInterrupt cuts its module's initialisation short
    (seen with a real SIGINT 1.5 s into `evramp plan --integer`, before this was handled)."""
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt as interrupt:
        raise ImportError("initialization failed") from interrupt


def failing_import() -> None:
    raise ImportError("initialization failed")


def test_an_import_cut_short_by_ctrl_c_exits_130_without_internal_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "app", interrupted_import)
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == cli.EXIT_INTERRUPTED
    captured = capsys.readouterr()
    assert "interrupted: nothing was written" in captured.err + captured.out
    assert "internal error" not in captured.err + captured.out


def test_an_import_that_fails_on_its_own_is_still_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("EVRAMP_DEBUG", raising=False)
    monkeypatch.setattr(cli, "app", failing_import)
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == cli.EXIT_NO_PLAN
    captured = capsys.readouterr()
    assert "internal error" in captured.err + captured.out
