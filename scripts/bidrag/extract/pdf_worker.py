"""Read a PDF's text layer page by page in a process of its own (`python -m bidrag.extract.pdf_worker
FILE`), so that a hostile or huge PDF is ended by a timeout and a memory limit, not by staff.

Prints {"pages": [text, ...]} as JSON on success; otherwise a Swedish message on stderr and exit 2.
"""

import json
import logging
import sys
import warnings

from .. import pause
from .limits import MAX_PAGES


def page_texts(path: str) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if len(reader.pages) > MAX_PAGES:
        raise TooManyPages(len(reader.pages))
    pause.point("extract.read_pdf")
    return [page.extract_text() or "" for page in reader.pages]


class TooManyPages(Exception):
    pass


def main(path: str) -> int:
    # pypdf reports repaired damage in English through its logger and warnings; staff get our message.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)
    warnings.simplefilter("ignore")
    try:
        pages = page_texts(path)
    except TooManyPages as error:
        print(f"dokumentet har {error.args[0]} sidor, fler än de {MAX_PAGES} som ett beslut kan ha", file=sys.stderr)
        return 2
    except MemoryError:
        print("PDF-filen kräver för mycket minne för att läsas", file=sys.stderr)
        return 2
    except Exception as error:  # noqa: BLE001 - a damaged or hostile PDF can fail anywhere in the parser
        print(f"PDF-filen går inte att läsa ({type(error).__name__})", file=sys.stderr)
        return 2
    json.dump({"pages": pages}, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
