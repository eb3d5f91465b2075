"""Fetching files over http(s) / file:// with checksums, and extracting archives safely."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import lzma
import os
import shutil
import sys
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from xldistill.errors import DownloadError

ALLOWED_SCHEMES = ("http", "https", "file")


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s): a server must not send us to file:// or ftp://."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        scheme = urllib.parse.urlsplit(newurl).scheme
        if scheme not in ("http", "https"):
            raise DownloadError(f"{req.full_url}: redirect to a non-http(s) URL refused: {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects)


class _Truncated(DownloadError):
    """The connection closed early; worth another try."""


def _file_name(url: str) -> str:
    name = PurePosixPath(urllib.parse.unquote(urllib.parse.urlsplit(url).path)).name
    if not name or name in (".", ".."):
        raise DownloadError(f"{url}: URL does not end in a file name")
    return name


def _download_once(url: str, dest: Path, timeout: float) -> str:
    digest = hashlib.sha256()
    with _OPENER.open(url, timeout=timeout) as response, open(dest, "wb") as out:
        expected = response.headers.get("Content-Length")
        size = 0
        for chunk in iter(lambda: response.read(1 << 20), b""):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    if expected is not None and size != int(expected):
        raise _Truncated(f"{url}: truncated download ({size} of {expected} bytes)")
    return digest.hexdigest()


def download(url: str, dest_dir: Path, sha256: str | None, *, timeout: float = 60,
             retries: int = 3, backoff_s: float = 1.0) -> Path:
    """Fetch ``url`` into ``dest_dir`` and check its sha256. Connection errors,
    timeouts, short bodies and 5xx answers are retried with exponential backoff;
    4xx and refused redirects are not. The file appears only once its checksum matches."""
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ALLOWED_SCHEMES:
        raise DownloadError(f"{url}: scheme {scheme!r} not supported (use http, https or file)")
    dest = Path(dest_dir) / _file_name(url)
    partial = dest.with_name(dest.name + ".part")
    try:
        for attempt in range(retries + 1):
            try:
                actual = _download_once(url, partial, timeout)
                break
            except urllib.error.HTTPError as err:
                if err.code < 500 or attempt == retries:
                    raise DownloadError(f"{url}: HTTP {err.code} {err.reason}") from None
            except (urllib.error.URLError, http.client.HTTPException, TimeoutError, ConnectionError,
                    _Truncated) as err:
                if attempt == retries:
                    reason = getattr(err, "reason", None) or repr(err)
                    raise DownloadError(f"{url}: download failed after {retries + 1} tries: {reason}") from None
            wait = backoff_s * 2 ** attempt
            print(f"download: {url} failed, retrying in {wait:g}s", file=sys.stderr)
            time.sleep(wait)
        if not sha256:
            raise DownloadError(f"{url}: no sha256 given in params.yaml; the file that arrived has "
                                f"sha256 {actual} (check it, then add it as `sha256: {actual}`)")
        if actual != sha256.lower():
            raise DownloadError(f"{url}: checksum mismatch: expected sha256 {sha256}, got {actual}")
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return dest


def _safe_member_path(archive: Path, name: str, dest: Path) -> Path:
    member = PurePosixPath(name.replace("\\", "/"))
    if member.is_absolute() or ".." in member.parts or (member.parts and ":" in member.parts[0]):
        raise DownloadError(f"{archive}: member {name!r} would be written outside {dest}; refused")
    return dest / Path(*member.parts)


def extract(archive: Path, dest: Path) -> None:
    """Extract .zip, .tar(.gz|.bz2|.xz), .tgz or .gz into ``dest``; other files are
    copied. Absolute paths, ``..``, links and device files are refused, so no
    member can be written outside ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    name = archive.name.lower()
    try:
        if name.endswith(".zip"):
            with zipfile.ZipFile(archive) as zf:
                for info in zf.infolist():
                    target = _safe_member_path(archive, info.filename, dest)
                    if (info.external_attr >> 16) & 0o170000 == 0o120000:
                        raise DownloadError(f"{archive}: member {info.filename!r} is a symlink; refused")
                    if info.is_dir():
                        target.mkdir(parents=True, exist_ok=True)
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(info) as src, open(target, "wb") as out:
                        shutil.copyfileobj(src, out)
        elif name.endswith((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")):
            with tarfile.open(archive) as tf:
                members = tf.getmembers()
                for member in members:
                    _safe_member_path(archive, member.name, dest)
                    if not (member.isfile() or member.isdir()):
                        raise DownloadError(f"{archive}: member {member.name!r} is a link or "
                                            f"special file; refused")
                tf.extractall(dest, members=members, filter="data")
        elif name.endswith(".gz"):
            with gzip.open(archive) as src, open(dest / archive.name[:-3], "wb") as out:
                shutil.copyfileobj(src, out)
        else:
            shutil.copy(archive, dest / archive.name)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError,
            NotImplementedError, ValueError) as err:
        # What damaged zip, tar, gzip and xz data raise; fuzzing found all but the first four
        # (ValueError: a flipped UTF-8 flag makes zipfile decode a member name and fail).
        raise DownloadError(f"{archive}: damaged or truncated archive: {err}") from None
