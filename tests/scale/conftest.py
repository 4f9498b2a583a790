from pathlib import Path

import pytest

from tests.webprocess import collect_static


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    return collect_static(tmp_path_factory.mktemp("static"))
