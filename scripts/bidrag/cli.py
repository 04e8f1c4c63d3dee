"""The `bidrag` command: check the reviewed data, build the database, serve the site."""

import os
import sys
import time
from pathlib import Path

import click

from .balanced import BalancedServeError, serve_balanced
from .build import BuildError, build_database
from .dataset import Dataset, load_dataset
from .extract import NotADecision, UnreadableDocument, Vocabularies, VocabularyError, extract_draft
from .extract.draft_file import render, report_lines, write_atomically
from .problems import InvalidData
from .project import Project
from .publish import PublishError, Site
from .publish import publish as publish_release
from .publish import rollback as rollback_release
from .site import BASE_URL_VARIABLE, listening_base_url, serve_arguments
from .sources import verify_sources


def _say(message: str) -> None:
    click.echo(message, err=True)


@click.group()
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    envvar="BIDRAG_ROOT",
    show_default=True,
    help="Projektets rotkatalog.",
)
@click.pass_context
def cli(ctx, root):
    """Effektivitetsdelegationens bidragsbeslut som öppna data.

    \b
    bidrag extract   gör utkast till beslutsfiler av beslut (PDF eller text)
    bidrag check     granska data/ och visa alla fel
    bidrag build     bygg build/bidrag.db (bara om data/ är felfri)
    bidrag publish   publicera en ny version efter granskning och provkörning
    bidrag rollback  gå tillbaka till publiceringen före den nuvarande
    bidrag serve     visa webbplatsen på http://127.0.0.1:8001
    """
    ctx.obj = Project(root.resolve())


def _load(project: Project, consequence: str = "") -> Dataset:
    try:
        return load_dataset(project.data_dir)
    except InvalidData as error:
        for problem in error.problems:
            _say(str(problem))
        raise click.ClickException(f"{len(error.problems)} fel i {project.data_dir.name}/{consequence}") from None


def _summary(dataset: Dataset) -> str:
    measures = sum(len(d["measures"]) for d in dataset.decisions)
    return (
        f"{len(dataset.decisions)} beslut, {measures} åtgärder, {len(dataset.regions)} regioner, "
        f"{len(dataset.themes)} teman, {len(dataset.reason_categories)} avslagsskäl, "
        f"{len(dataset.programme['facts'])} programfakta"
    )


@cli.command()
@click.option(
    "--sources",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Katalog med källdokumenten: kontrollera SHA-256 och att varje citat finns ordagrant.",
)
@click.pass_obj
def check(project, sources):
    """Granska data/: schema, belopp, datum, ordförråd och personuppgifter.

    \b
    Exempel:
        bidrag check
        bidrag check --sources ../shared/seeds
    """
    dataset = _load(project)
    extra = ""
    if sources:
        problems, checked, missing = verify_sources(dataset, sources, project.root)
        for problem in problems:
            _say(str(problem))
        if problems:
            raise click.ClickException(f"{len(problems)} fel mot källdokumenten i {sources}")
        extra = f"; {len(checked)} källdokument stämmer" + (f", {len(missing)} saknas i {sources}" if missing else "")
    if dataset.disputed_topics:
        extra += f"; källorna skiljer sig åt om {', '.join(dataset.disputed_topics)} i programme.yml (alla publiceras)"
    _say(f"OK: {_summary(dataset)}{extra}")


@cli.command()
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Databasfil att skriva (standard: build/bidrag.db).",
)
@click.option("--allow-synthetic", is_flag=True, help="Tillåt syntetiska testbeslut (aldrig för publicering).")
@click.pass_obj
def build(project, db_path, allow_synthetic):
    """Granska data/ och bygg databasen atomärt: vid fel lämnas den förra orörd."""
    db_path = db_path or project.db_path
    started = time.perf_counter()
    dataset = _load(project, f"; inget byggdes och {db_path} är oförändrad")
    try:
        counts = build_database(dataset, db_path, allow_synthetic=allow_synthetic)
    except (BuildError, OSError) as error:
        raise click.ClickException(f"{error}; {db_path} är oförändrad") from None
    _say(
        f"Byggde {db_path}: {counts['decisions']} beslut, {counts['measures']} åtgärder, "
        f"{counts['payments']} utbetalningar, {counts['deadlines']} tidsfrister "
        f"({time.perf_counter() - started:.2f} s)"
    )


def _site(project: Project, site_dir: Path | None) -> Site:
    return Site((site_dir or project.root / "build" / "site").resolve())


site_option = click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Katalog med publiceringarna och länken bidrag.db (standard: build/site).",
)


@cli.command()
@site_option
@click.option("--dry-run", is_flag=True, help="Visa bara vad som skulle ändras.")
@click.option("--force", is_flag=True, help="Publicera även om data/ inte har ändrats (t.ex. efter kodändringar).")
@click.option("--allow-synthetic", is_flag=True, help="Tillåt syntetiska testbeslut (bara för test och mätningar).")
@click.pass_obj
def publish(project, site_dir, dry_run, force, allow_synthetic):
    """Granska, bygg en ny version, jämför med den publicerade, provkör och byt atomärt.

    Vid fel pekar build/site/bidrag.db kvar på samma, orörda fil.
    """
    site = _site(project, site_dir)
    dataset = _load(project, f"; inget publicerades och {site.live} är oförändrad")
    try:
        result = publish_release(project, dataset, site, dry_run=dry_run, force=force, allow_synthetic=allow_synthetic)
    except (PublishError, BuildError, OSError) as error:
        raise click.ClickException(f"{error}; inget publicerades och {site.live} är oförändrad") from None
    for change in result.changes:
        _say(f"  {change['kind']}: {change['decision_id']}: {change['summary']}")
    if dry_run:
        _say(f"Provkörning: {len(result.changes)} ändringar skulle publiceras; inget ändrades.")
    elif result.release is None:
        _say("data/ är oförändrad sedan senaste publiceringen; inget publicerades (--force publicerar ändå).")
    else:
        _say(
            f"Publicerade version {result.release} ({result.path.name}) med {len(result.changes)} ändringar; "
            f"{site.live} pekar nu på den; en körande webbserver visar den från nästa förfrågan."
        )


@cli.command()
@site_option
@click.pass_obj
def rollback(project, site_dir):
    """Gå tillbaka till publiceringen som var live före den nuvarande.

    Återställningen publiceras som en ny version: den tidigare versionens data, med hela historiken
    och den återkallade publiceringens ändringar (slag: återkallat) i changes och flödena.
    """
    site = _site(project, site_dir)
    try:
        result = rollback_release(project, site)
    except (PublishError, BuildError, OSError) as error:
        raise click.ClickException(f"{error}; {site.live} är oförändrad") from None
    for change in result.changes:
        _say(f"  {change['kind']}: {change['decision_id']}: {change['summary']}")
    _say(
        f"Publicerade version {result.release} ({result.path.name}) som återställer den förra publiceringen, "
        f"med {len(result.changes)} ändringar; {site.live} pekar nu på den; en körande webbserver visar den "
        "från nästa förfrågan."
    )


NOT_A_DECISION = 3


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Katalog för utkasten (standard: data/decisions)."
)
@click.option("--force", is_flag=True, help="Skriv över befintliga beslutsfiler.")
@click.pass_obj
def extract(project, paths, out, force):
    """Gör ett utkast till beslutsfil av varje beslutsdokument (PDF eller text).

    Utkastet har samma format som data/decisions/*.yml; överst står vad som ska granskas.
    Inget skrivs om något dokument fallerar. Slutkod 3: dokumentet är inget bidragsbeslut.

    \b
    Exempel:
        bidrag extract beslut-region-gavleborg.pdf
        bidrag extract --out /tmp/utkast beslut/*.pdf
    """
    out = out or project.data_dir / "decisions"
    try:
        vocabularies = Vocabularies(project.data_dir)
    except VocabularyError as error:
        raise click.ClickException(f"ordförråden i {project.data_dir} går inte att läsa: {error}") from None
    drafts = []
    for path in paths:
        try:
            draft = extract_draft(path, vocabularies)
        except NotADecision as error:
            _say(f"Fel: {error}. Inget skrevs.")
            sys.exit(NOT_A_DECISION)
        except (UnreadableDocument, OSError) as error:
            raise click.ClickException(f"{error}. Inget skrevs.") from None
        target = out / f"{draft.decision['id']}.yml"
        if target.exists() and not force:
            raise click.ClickException(f"{target} finns redan; använd --force för att skriva över. Inget skrevs.")
        drafts.append((path, draft, target))
    out.mkdir(parents=True, exist_ok=True)
    for path, draft, target in drafts:
        write_atomically(target, render(draft, path.name))
        _say(f"== {path.name} -> {target}")
        for line in report_lines(draft, path.name)[2:]:
            _say(line)


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build/screenshots"),
    show_default=True,
    help="Katalog för bilderna.",
)
@click.pass_obj
def screenshots(project, out):
    """Ta skärmbilder av startsidan och ett beslut, i datorbredd och mobilbredd (kräver chromium)."""
    from .screenshots import take_screenshots

    for path in take_screenshots(project, out):
        _say(f"Sparade {path}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Databasfil att visa, med namnet bidrag.db (standard: build/bidrag.db; "
    "den publicerade: build/site/bidrag.db).",
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    envvar="BIDRAG_PROCESSES",
    help="Antal Datasette-processer. Fler än 1: processerna på portarna efter --port (på 127.0.0.1) "
    "och Debians nginx på --port framför dem, som fördelar efter öppna anslutningar.",
)
@click.pass_obj
def serve(project, host, port, db_path, processes):
    """Visa webbplatsen med Datasette (bygg först med `bidrag build`).

    Servern följer länken build/site/bidrag.db: en ny publicering eller återställning visas från
    nästa förfrågan, utan omstart. Med --processes 2 eller fler avslutas kommandot med kod 1 om
    någon process slutar (så att den som startade det kan starta om alltihop); SIGTERM stoppar alla.
    """
    db_path = db_path or project.db_path
    if not db_path.exists():
        raise click.ClickException(f"{db_path} finns inte; kör `bidrag build` först")
    base_url = listening_base_url(project, host, port)
    if base_url is not None:  # for the processes started below
        os.environ[BASE_URL_VARIABLE] = base_url
    try:
        arguments = serve_arguments(project, host, port, db_path)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    if processes > 1:
        try:
            sys.exit(serve_balanced(project, host, port, db_path, processes, _say))
        except BalancedServeError as error:
            raise click.ClickException(str(error)) from None
    _say(f"Webbplatsen visas på http://{host}:{port}/ (avsluta med Ctrl-C)")
    os.execv(sys.executable, [sys.executable, "-m", "datasette", *arguments])
