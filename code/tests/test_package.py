import importlib.metadata

import torchcourse as tc


def test_version_matches_the_installed_metadata():
    assert importlib.metadata.version("torchcourse") == tc.__version__


def test_every_public_name_exists_and_has_a_docstring():
    for name in tc.__all__:
        obj = getattr(tc, name)
        if callable(obj) and name != "__version__":
            assert (obj.__doc__ or "").strip(), f"{name} has no docstring"
