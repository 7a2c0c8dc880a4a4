"""Slipway's warm Python checker: compiles changed files, then copies them to the build output.

Runs inside the project's sandbox (project read-only at argv[1], build output writable at
argv[2]) and stays up between saves, so a check costs milliseconds instead of a sandbox and an
interpreter start. It never executes the project's code: compile() only parses and compiles.

Protocol: one JSON request per line on stdin, {"id": 1, "paths": ["app.py", ...] | null}
(null = the whole project), answered by one JSON line on stdout:
{"id": 1, "diagnostics": [...], "synced": true, "checked": 3, "copied": 2, "removed": 0}.
The output is touched only when no file has a syntax error, so the instance never loads
code that does not compile.
"""

import importlib.util
import json
import os
import shutil
import stat
import sys
import warnings

MAX_SOURCE_BYTES = 10 * 1024 * 1024
SKIPPED_NAMES = frozenset({".git", "__pycache__"})


class Mirror:
    """Copies paths from the project to the output; the output ends up equal for those paths."""

    def __init__(self, source_root, target_root):
        self.source_root = source_root
        self.target_root = target_root
        self.copied = 0
        self.removed = 0

    def sync(self, rel):
        parts = rel.split("/") if rel else []
        for depth in range(1, len(parts)):
            ancestor = "/".join(parts[:depth])
            source = lstat(self.source(ancestor))
            if source is None or not stat.S_ISDIR(source.st_mode):
                # The folder is gone or became a file or a link: mirror it as a whole.
                self.mirror(ancestor)
                return
            self.ensure_dir(ancestor, source)
        self.mirror(rel, explicit=True)

    def mirror(self, rel, explicit=False):
        """Makes target/rel equal to source/rel. Unchanged files (same size and mtime) are kept,
        except a file named in the request: an archive import may restore both."""
        source_path, target_path = self.source(rel), self.target(rel)
        source = lstat(source_path)
        if source is None or skipped(rel):
            self.remove(target_path)
        elif stat.S_ISDIR(source.st_mode):
            self.ensure_dir(rel, source)
            names = {name for name in os.listdir(source_path) if name not in SKIPPED_NAMES}
            for name in sorted(names):
                self.mirror(join(rel, name))
            for name in os.listdir(target_path):
                if name not in names:
                    self.remove(os.path.join(target_path, name))
        elif stat.S_ISLNK(source.st_mode):
            link = os.readlink(source_path)
            if os.path.islink(target_path) and os.readlink(target_path) == link:
                return
            self.replace_with(target_path, lambda temporary: os.symlink(link, temporary))
        elif stat.S_ISREG(source.st_mode):
            target = lstat(target_path)
            if (not explicit and target is not None and stat.S_ISREG(target.st_mode)
                    and target.st_size == source.st_size and target.st_mtime_ns == source.st_mtime_ns):
                return

            def copy(temporary):
                shutil.copyfile(source_path, temporary, follow_symlinks=False)
                shutil.copystat(source_path, temporary, follow_symlinks=False)

            self.replace_with(target_path, copy)
        else:
            self.remove(target_path)  # sockets, fifos and devices are not app files

    def ensure_dir(self, rel, source):
        target_path = self.target(rel)
        if not (os.path.isdir(target_path) and not os.path.islink(target_path)):
            self.remove(target_path)
            os.mkdir(target_path)
        os.chmod(target_path, stat.S_IMODE(source.st_mode) | stat.S_IRWXU)

    def replace_with(self, target_path, create):
        # Write beside the target, then rename over it: a worker never reads a half-copied file.
        if os.path.isdir(target_path) and not os.path.islink(target_path):
            self.remove(target_path)
        folder, name = os.path.split(target_path)
        temporary = os.path.join(folder, f".slipway-tmp-{os.getpid()}-{name}")
        self.remove(temporary, count=False)
        try:
            create(temporary)
            os.replace(temporary, target_path)
        finally:
            self.remove(temporary, count=False)
        self.copied += 1

    def remove(self, target_path, count=True):
        entry = lstat(target_path)
        if entry is None:
            return
        if stat.S_ISDIR(entry.st_mode):
            shutil.rmtree(target_path)
        else:
            os.unlink(target_path)
        if count:
            self.removed += 1

    def source(self, rel):
        return os.path.join(self.source_root, rel) if rel else self.source_root

    def target(self, rel):
        return os.path.join(self.target_root, rel) if rel else self.target_root


def check_file(root, rel):
    """SyntaxErrors as errors and compiler warnings (e.g. invalid escapes) as warnings."""
    try:
        with open(os.path.join(root, rel), "rb") as file:
            data = file.read(MAX_SOURCE_BYTES + 1)
    except OSError as error:
        return [diagnostic(rel, 1, 1, "error", f"cannot read the file: {error.strerror}", "OSError")]
    if len(data) > MAX_SOURCE_BYTES:
        return [diagnostic(rel, 1, 1, "warning", "file too large to check", "TooLarge")]
    try:
        # Compile text, not bytes: for bytes, Python 3.11 reports some columns in bytes and
        # others in characters. decode_source applies the coding cookie like an import does.
        source = importlib.util.decode_source(data)
    except (SyntaxError, UnicodeError) as error:
        return [diagnostic(rel, 1, 1, "error", f"cannot decode the file: {error}", type(error).__name__)]
    found = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            compile(source, rel, "exec", dont_inherit=True)
        except SyntaxError as error:
            found.append(syntax_error(rel, error, source.splitlines()))
        except ValueError as error:  # null bytes in the source
            found.append(diagnostic(rel, 1, 1, "error", str(error), type(error).__name__))
    for warning in caught:
        if warning.filename == rel:
            found.append(diagnostic(rel, warning.lineno or 1, 1, "warning", str(warning.message),
                                    warning.category.__name__))
    return found


def syntax_error(rel, error, lines):
    line = error.lineno or 1
    column = utf16_column(lines, line, error.offset)
    found = diagnostic(rel, line, column, "error", error.msg or "invalid syntax", type(error).__name__)
    end_line = getattr(error, "end_lineno", None)
    if end_line and error.end_offset and error.end_offset > 0:
        end_column = utf16_column(lines, end_line, error.end_offset)
        if (end_line, end_column) > (line, column):
            found["endLine"], found["endColumn"] = end_line, end_column
    return found


def utf16_column(lines, line, offset):
    """Python counts code points from 1; editors (Monaco, LSP) count UTF-16 code units."""
    if not offset or offset < 1:
        return 1
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text[:offset - 1].encode("utf-16-le")) // 2 + 1


def diagnostic(rel, line, column, severity, message, code):
    return {"file": rel, "line": line, "column": column, "severity": severity, "message": message,
            "source": "python", "code": code}


def python_files(root, rel):
    """Project-relative .py files at or under `rel` (links are not followed into folders)."""
    path = os.path.join(root, rel) if rel else root
    entry = lstat(path)
    if entry is None or skipped(rel):
        return []
    if stat.S_ISDIR(entry.st_mode):
        found = []
        for name in sorted(os.listdir(path)):
            found.extend(python_files(root, join(rel, name)))
        return found
    return [rel] if rel.endswith(".py") and os.path.isfile(path) else []


def handle(request, source_root, target_root):
    paths = request.get("paths")
    rels = [""] if paths is None else sorted({rel for rel in map(clean, paths) if rel is not None})
    checked = sorted({file for rel in rels for file in python_files(source_root, rel)})
    diagnostics = [found for rel in checked for found in check_file(source_root, rel)]
    synced = not any(found["severity"] == "error" for found in diagnostics)
    mirror = Mirror(source_root, target_root)
    if synced:
        for rel in rels:
            mirror.sync(rel)
    return {"diagnostics": diagnostics, "synced": synced, "checked": len(checked),
            "copied": mirror.copied, "removed": mirror.removed}


def clean(path):
    """A normalised project-relative path, or None for anything that climbs out of the project."""
    if not isinstance(path, str) or "\0" in path or path.startswith("/"):
        return None
    parts = [part for part in path.split("/") if part not in ("", ".")]
    return None if ".." in parts else "/".join(parts)


def skipped(rel):
    return any(part in SKIPPED_NAMES for part in rel.split("/"))


def join(rel, name):
    return f"{rel}/{name}" if rel else name


def lstat(path):
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def main():
    source_root, target_root = sys.argv[1], sys.argv[2]
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = handle(request, source_root, target_root)
        except Exception as error:  # answer and carry on: the next save may well succeed
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps({"id": request.get("id"), **answer}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
