"""The CSV downloads of every table, made by the build and stored in the release itself.

A download is the same for every visitor of a release, so the build writes it once, gzipped (what
nearly every client accepts), into the table `downloads`, and the site only sends stored bytes,
whatever the size of the data: made per request, the measures CSV cost 448 ms of CPU at 100x and
5.7 s at 1000x. Stored in the release file, a download changes with the data it describes, in the
same atomic switch. Its size and SHA-256 go into the data package, so a download can be verified.
"""

import csv
import gzip
import hashlib
import io

from .schema import TABLES
from .spreadsheet import safe_cell

TABLE = "downloads"
VARIANTS = ("plain", "excel")  # excel: semicolons, CRLF, a byte order mark and no formulas
_ROWS_PER_WRITE = 2000

CREATE = f"""create table [{TABLE}] (
  path text primary key,
  table_name text not null,
  variant text not null,
  size integer not null,
  sha256 text not null,
  body_gzip blob not null
) strict"""


# Described like the published tables (the data page documents every table in the file), but
# hidden from the table list: visitors get these files as /exports/*.csv.
METADATA = {
    "title": "Nedladdningar",
    "description": "CSV-filerna under /exports/ som bygget skrev dem, gzip-komprimerade, med storlek och "
    "SHA-256-summa. Samma rader som tabellerna; webbplatsen skickar dem härifrån.",
    "columns": {
        "path": "Filens adress under /exports/, t.ex. measures.csv eller excel/measures.csv.",
        "table_name": "Tabellen som filen innehåller.",
        "variant": "plain: komma som avgränsare; excel: semikolon, byte order mark och inga formler.",
        "size": "Filens storlek i byte, okomprimerad.",
        "sha256": "SHA-256-summan av den okomprimerade filen, samma som i datapaketet.",
        "body_gzip": "Filen, gzip-komprimerad.",
    },
    "hidden": True,
}


def path_of(table: str, variant: str) -> str:
    return f"excel/{table}.csv" if variant == "excel" else f"{table}.csv"


def filename_of(table: str, variant: str) -> str:
    return f"{table}-excel.csv" if variant == "excel" else f"{table}.csv"


class _Gzipped:
    """What csv.writer writes to: UTF-8 into gzip, counting and hashing the uncompressed bytes."""

    def __init__(self):
        self.buffer = io.BytesIO()
        # mtime 0 and no file name: the same rows give the same bytes, so a build stays reproducible.
        self.gzip = gzip.GzipFile(fileobj=self.buffer, mode="wb", compresslevel=6, mtime=0, filename="")
        self.sha256, self.size, self.parts = hashlib.sha256(), 0, []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        data = "".join(self.parts).encode("utf-8")
        self.parts = []
        self.sha256.update(data)
        self.size += len(data)
        self.gzip.write(data)

    def close(self) -> bytes:
        self.flush()
        self.gzip.close()
        return self.buffer.getvalue()


def render(connection, table: str, variant: str) -> dict:
    """One download as a row of `downloads`: the table's rows in key order (rowid without a key)."""
    spec = TABLES[table]
    excel = variant == "excel"
    out = _Gzipped()
    if excel:
        out.write("\ufeff")  # Swedish Excel reads UTF-8 only with the byte order mark
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")
    writer.writerow(spec.column_names)
    selected = ", ".join(f"[{c}]" for c in spec.column_names)
    order = ", ".join(f"[{c}]" for c in spec.pk) or "rowid"
    cursor = connection.execute(f"select {selected} from [{table}] order by {order}")
    while rows := cursor.fetchmany(_ROWS_PER_WRITE):
        writer.writerows(([safe_cell(v) for v in row] for row in rows) if excel else rows)
        out.flush()
    body = out.close()
    return {
        "path": path_of(table, variant),
        "table_name": table,
        "variant": variant,
        "size": out.size,
        "sha256": out.sha256.hexdigest(),
        "body_gzip": body,
    }


def write_all(connection) -> int:
    """Every table's downloads into `downloads`, anew: the build calls this last, after every table
    is full, and a rollback again after it has replaced the history."""
    connection.execute(f"drop table if exists [{TABLE}]")
    connection.execute(CREATE)
    count = 0
    for table in TABLES:
        for variant in VARIANTS:
            row = render(connection, table, variant)
            connection.execute(
                f"insert into [{TABLE}] values (:path, :table_name, :variant, :size, :sha256, :body_gzip)", row
            )
            count += 1
    return count
