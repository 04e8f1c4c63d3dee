"""A query cut off by the SQL time limit (plugins/swedish_errors.py): a page of ours is asked for once more
before its visitor gets the 503; a visitor's own SQL gets its 503 at once. The cut-off is real (a query
the time limit stops, tests/plugins/cut_off.py); attempts are counted by the query itself."""

import logging
import shutil
from urllib.parse import quote, urlencode

import pytest

from bidrag.site import make_datasette

from .conftest import ROOT
from .test_errors import assert_swedish

ENDLESS_VISITOR_SQL = (
    "with recursive r(i) as (select attempt(:path) union all select i + 1 from r where i < 1000000000000) "
    "select count(*) from r"
)


@pytest.fixture
def datasette(site_workspace, built_db):
    shutil.copyfile(ROOT / "tests" / "plugins" / "cut_off.py", site_workspace.plugins_dir / "cut_off.py")
    return make_datasette(site_workspace, built_db)


@pytest.fixture
def logged():
    """The lines plugins/swedish_errors.py logs, by a handler of our own beside its own."""

    class Lines(logging.Handler):
        def __init__(self):
            super().__init__()
            self.lines = []

        def emit(self, record):
            self.lines.append((record.getMessage(), record.exc_info))

    handler = Lines()
    logger = logging.getLogger("bidrag.errors")
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def attempts(path) -> int:
    return len(path.read_text("utf-8").splitlines()) if path.exists() else 0


async def test_a_page_of_ours_cut_off_once_is_asked_again_and_served_whole(datasette, tmp_path, logged, capfd):
    counter = tmp_path / "attempts"
    response = await datasette.client.get("/test/cut-off?" + urlencode({"path": counter, "slow": 1}))
    assert response.status_code == 200, response.text[:300]
    assert "Räknade 1000 rader." in response.text
    assert attempts(counter) == 2
    # One line, for the attempt that was cut off and not sent.
    assert len(logged) == 1, logged
    message, exc_info = logged[0]
    assert "/test/cut-off" in message and "-> 503 QueryInterrupted" in message and exc_info is None
    assert message.endswith("(not sent: asked once more)")
    assert "Traceback" not in capfd.readouterr().err


async def test_a_page_of_ours_cut_off_twice_is_a_swedish_503(datasette, tmp_path, logged, capfd):
    counter = tmp_path / "attempts"
    response = await datasette.client.get("/test/cut-off?" + urlencode({"path": counter, "slow": 2}))
    assert_swedish(response, 503)
    assert "Frågan tog för lång tid" in response.text and '<html lang="sv">' in response.text
    assert response.headers["retry-after"] == "5"
    assert attempts(counter) == 2  # once more, not again and again
    # A line per attempt: the first held back, the second the 503 the visitor got.
    assert [message.endswith("(not sent: asked once more)") for message, _ in logged] == [True, False], logged
    assert all("-> 503 QueryInterrupted" in message and exc_info is None for message, exc_info in logged)
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("page", ["/bidrag", "/bidrag.json", "/bidrag.csv"])
async def test_visitor_sql_cut_off_is_a_503_at_once(datasette, tmp_path, logged, page):
    counter = tmp_path / "attempts"
    response = await datasette.client.get(f"{page}?sql={quote(ENDLESS_VISITOR_SQL)}&path={quote(str(counter))}")
    assert_swedish(response, 503)
    assert attempts(counter) == 1
    assert len(logged) == 1 and "-> 503" in logged[0][0] and "asked once more" not in logged[0][0], logged


async def test_visitor_where_cut_off_is_a_503_at_once(datasette, tmp_path, logged):
    counter = tmp_path / "attempts"
    endless = ENDLESS_VISITOR_SQL.replace(":path", "'" + str(counter).replace("'", "''") + "'")
    response = await datasette.client.get(f"/bidrag/regions?_where={quote(f'(select count(*) from ({endless})) > 0')}")
    assert_swedish(response, 503)
    assert attempts(counter) == 1
