"""Static files that come from installed packages rather than from the repository.

The Thai typeface is one: the ``fontpkg-sarabun`` wheel from PyPI carries
Sarabun's TTF files and their OFL licence. ``STATIC_PACKAGE_FILES`` names the
files the stylesheets use, and this finder serves them (runserver, WhiteNoise
with finders) and hands them to ``collectstatic``, so no font binary is kept
in git and nothing is fetched from a CDN.
"""

from importlib.util import find_spec
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.contrib.staticfiles.utils import matches_patterns
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class PackageFilesFinder(BaseFinder):
    """``STATIC_PACKAGE_FILES``: ``{prefix: (package, {name: path in the package})}``
    serves ``<package>/<path>`` as ``<prefix>/<name>``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storages: list[_PackageStorage] = []
        for prefix, (package, names) in _declared().items():
            root = _package_root(package)
            if root is not None:  # else reported by check()
                files = {name: root / path for name, path in names.items()}
                self.storages.append(_PackageStorage(prefix, files))

    def check(self, **kwargs):
        errors = []
        for prefix, (package, names) in _declared().items():
            root = _package_root(package)
            if root is None:
                errors.append(
                    Error(
                        f"The package {package!r} that serves static/{prefix}/ is "
                        "not installed.",
                        hint="Install the pinned requirements (make run does).",
                        id="core.E001",
                    )
                )
                continue
            errors.extend(
                Error(
                    f"{package}/{path} (static/{prefix}/{name}) is missing.",
                    hint="A new version of the package may have moved the file.",
                    id="core.E002",
                )
                for name, path in names.items()
                if not (root / path).is_file()
            )
        return errors

    def find(self, path, find_all=False, **kwargs):
        found = [
            storage.path(name)
            for storage in self.storages
            if (name := storage.name_for(path)) and storage.exists(name)
        ]
        if find_all:
            return found
        return found[0] if found else None

    def list(self, ignore_patterns):
        for storage in self.storages:
            for name in storage.files:
                static_path = f"{storage.prefix}/{name}"
                # WhiteNoise lists with None (no patterns), collectstatic a list.
                if storage.exists(name) and not matches_patterns(
                    static_path, ignore_patterns or ()
                ):
                    yield name, storage


class _PackageStorage(FileSystemStorage):
    """Read-only view of a package's files under their served names;
    ``prefix`` is where collectstatic puts them."""

    def __init__(self, prefix: str, files: dict[str, Path]):
        super().__init__(location=next(iter(files.values())).parent)
        self.prefix = prefix
        self.files = files

    def name_for(self, static_path: str) -> str | None:
        folder, _, name = static_path.rpartition("/")
        return name if folder == self.prefix and name in self.files else None

    def path(self, name):
        return str(self.files[name])

    def exists(self, name):
        return name in self.files and self.files[name].is_file()


def _declared() -> dict[str, tuple[str, dict[str, str]]]:
    return getattr(settings, "STATIC_PACKAGE_FILES", {})


def _package_root(package: str) -> Path | None:
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))
