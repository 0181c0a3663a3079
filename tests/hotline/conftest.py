import pytest
from django.core.cache import cache

from tests.hotline.intake import organisation_tree


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media(settings, tmp_path):
    """An app server's own disk: nothing a reporter sends may land there (cases.storage)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    yield settings.MEDIA_ROOT
    assert not [p for p in tmp_path.rglob("*") if p.is_file()], "a file was written to disk"


@pytest.fixture
def tree(db, media):
    return organisation_tree()
