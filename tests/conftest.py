import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the database
# setup that pytest-django does there is still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, not a browser that Playwright downloads."""
    if not os.access(CHROMIUM_PATH, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM_PATH}: install Debian's chromium package")
    return {**browser_type_launch_args, "executable_path": CHROMIUM_PATH, "args": CHROMIUM_ARGS}


@pytest.fixture
def page(page):
    """pytest-playwright's page, failing the test if the page breaks the Content-Security-Policy.

    Chromium reports each blocked script, style or image on the console.
    """
    violations = []

    def watch(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", watch)
    yield page
    assert not violations, violations


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["tests.hashers.QuickPBKDF2PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with no throttle history (anonymous reads are rate-limited) and
    no cached read: the data version goes back with each test's rollback, so a page
    kept in one test could otherwise be served in the next."""
    from .cache_keys import clear_own_keys

    clear_own_keys()
    yield
    clear_own_keys()


@pytest.fixture(scope="session")
def demo_records(django_db_setup, django_db_blocker):
    """The records `loaddemo` writes, read once a session (and rolled back): inserting
    them again takes a query a table, where loaddemo takes 1.7 s saving each one with
    its history and search keys, and a hundred-odd tests start from them."""
    from django.apps import apps
    from django.core.management import call_command
    from django.db import transaction

    from operations.models import DataVersion

    models = apps.get_app_config("operations").get_models(include_auto_created=True)
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddemo", verbosity=0)
        records = {
            model: list(model._base_manager.order_by("pk"))
            for model in models
            if model is not DataVersion
        }
        transaction.set_rollback(True)
    return records


@pytest.fixture
def demo(db, demo_records):
    """The worked example of DESIGN.md, as `make run` loads it (test_demo.py tests
    loaddemo itself)."""
    from django.db import transaction

    from operations.caching import data_changed
    from operations.synthetic import reset_sequences

    with transaction.atomic():
        for model, records in demo_records.items():
            model._base_manager.bulk_create(records)
        data_changed()
        reset_sequences(demo_records)


@pytest.fixture
def groups(db):
    from operations.groups import setup_groups

    return setup_groups()


def make_user(django_user_model, username, group=None, **extra):
    user = django_user_model.objects.create_user(
        username, password="a-long-test-password", is_staff=True, **extra
    )
    if group is not None:
        user.groups.add(group)
    return user


@pytest.fixture
def analyst(groups, django_user_model):
    """Records reports as drafts."""
    return make_user(django_user_model, "analyst", groups["Analyst"])


@pytest.fixture
def reviewer(groups, django_user_model):
    """Checks drafts and publishes them."""
    return make_user(django_user_model, "reviewer", groups["Reviewer"])


@pytest.fixture
def superuser(django_user_model):
    return make_user(django_user_model, "root", is_superuser=True)


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def pytest_terminal_summary(terminalreporter):
    """Tables a test records as a "summary" property (the intake assistant's scores),
    printed at the end of every run, with or without xdist workers."""
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get(
        "failed", []
    ):
        for name, value in getattr(report, "user_properties", []):
            if name == "summary" and report.when == "call":
                terminalreporter.write_line(value)
