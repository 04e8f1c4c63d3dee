"""The synthetic corpus's score, shown in the terminal summary of every run that scored it."""

import pytest

from .scoring import SCORES


def pytest_terminal_summary(terminalreporter):
    if not SCORES:
        return
    right = sum(r for r, _ in SCORES.values())
    expected = sum(e for _, e in SCORES.values())
    terminalreporter.write_sep("-", "extraction corpus (synthetic decisions)")
    for (name, form), (r, e) in sorted(SCORES.items()):
        terminalreporter.write_line(f"{name} ({form}): {r}/{e}")
    terminalreporter.write_line(
        f"Extraktionspoäng: {right}/{expected} fält rätt = {100 * right / expected:.1f} % "
        f"({len(SCORES)} dokument, text och PDF)"
    )


@pytest.fixture(scope="session")
def corpus_pdfs(tmp_path_factory):
    return tmp_path_factory.mktemp("corpus-pdf")
