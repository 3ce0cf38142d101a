"""The Kaggle connection: credentials, competition look-up, download and submission.

Every call to Kaggle goes through the official client
(``kaggle.api.kaggle_api_extended.KaggleApi``). It is imported only when a connection is
made, and without running ``kaggle/__init__.py``, which authenticates on import and
prints help text to stdout. Whatever the client prints goes to this module's debug log,
never to stdout; its verbose mode, which prints the Authorization header, is never on.

Every HTTP request has a timeout: :data:`REQUEST_TIMEOUT` for the RPCs, the redirected
download and the upload (the client sets none on these), the client's own 300 s for the
requests that resume a download. Every failure a user can cause or meet ends as one line:
:class:`CredentialsError` for missing or rejected credentials, :class:`KaggleError` for
refusals and network trouble, and :class:`SubmissionError` for submissions that cannot be
made or scored.

``KAGGLE_API_ENVIRONMENT=LOCALHOST`` is honoured as the official client does (requests go
to ``http://localhost/api/v1/...``); the tests use it with ``HTTP_PROXY`` to reach their
fake Kaggle API.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import io
import json
import logging
import os
import re
import stat
import sys
import time
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from kagglekit.errors import CredentialsError, KaggleError, SubmissionError

logger = logging.getLogger(__name__)

#: (connect, read) seconds allowed for each request the client sends.
REQUEST_TIMEOUT: tuple[float, float] = (20.0, 120.0)

KAGGLE_WEB = "https://www.kaggle.com"
TOKEN_SETTINGS_URL = f"{KAGGLE_WEB}/settings"

_warned_readable: set[Path] = set()
_api_class: type | None = None


# ---------------------------------------------------------------------------
# Credentials


@dataclass(frozen=True)
class CredentialSource:
    """Where the official client would find credentials; never the secret itself."""

    kind: str  # "token", "api_key" or "oauth"
    description: str
    path: Path | None = None


def find_credentials(
    environ: Mapping[str, str] | None = None, home: Path | None = None
) -> CredentialSource | None:
    """The credential source the official client would use, in its own order; None if none.

    Order: an access token (a Kaggle notebook's token file, ``KAGGLE_API_TOKEN`` as a value
    or a file, ``~/.kaggle/access_token``, ``~/.kaggle/access_token.txt``); a legacy API key
    (``kaggle.json`` in the config folder, overlaid by ``KAGGLE_USERNAME``/``KAGGLE_KEY``);
    OAuth credentials from ``kaggle auth login`` (``~/.kaggle/credentials.json``).
    """
    env = os.environ if environ is None else environ
    home = Path.home() if home is None else home
    return _find_token(env, home) or _find_api_key(env, home) or _find_oauth(home)


def config_dir(environ: Mapping[str, str] | None = None, home: Path | None = None) -> Path:
    """The folder where the official client looks for ``kaggle.json``."""
    env = os.environ if environ is None else environ
    home = Path.home() if home is None else home
    if env.get("KAGGLE_CONFIG_DIR"):
        return Path(env["KAGGLE_CONFIG_DIR"])
    legacy = home / ".kaggle"
    if sys.platform.startswith("linux") and not legacy.exists():
        return Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "kaggle"
    return legacy


def credentials_help(environ: Mapping[str, str] | None = None, home: Path | None = None) -> str:
    """One line naming every way to give kagglekit Kaggle credentials."""
    json_path = config_dir(environ, home) / "kaggle.json"
    return (
        f"create an API token at {TOKEN_SETTINGS_URL}, then either save kaggle.json as "
        f"{json_path} (chmod 600), set KAGGLE_USERNAME and KAGGLE_KEY, set KAGGLE_API_TOKEN, "
        "or save the token in ~/.kaggle/access_token"
    )


def _find_token(env: Mapping[str, str], home: Path) -> CredentialSource | None:
    in_notebook = env.get("KAGGLE_KERNEL_RUN_TYPE") and env.get("KAGGLE_DATA_PROXY_URL")
    notebook_file = env.get("KAGGLE_API_V1_TOKEN")
    if in_notebook and notebook_file and _has_text(Path(notebook_file)):
        return CredentialSource("token", f"Kaggle notebook token ({notebook_file})",
                                Path(notebook_file))

    value = env.get("KAGGLE_API_TOKEN")
    if value:
        if Path(value).exists():
            path = Path(value)
            _warn_if_readable(path)
            return CredentialSource("token", f"KAGGLE_API_TOKEN file {path}", path)
        return CredentialSource("token", "KAGGLE_API_TOKEN environment variable")

    for name in ("access_token", "access_token.txt"):
        path = home / ".kaggle" / name
        if _has_text(path):
            _warn_if_readable(path)
            return CredentialSource("token", str(path), path)
    return None


def _find_api_key(env: Mapping[str, str], home: Path) -> CredentialSource | None:
    json_path = config_dir(env, home) / "kaggle.json"
    from_file = _read_kaggle_json(json_path)
    user_env, key_env = "KAGGLE_USERNAME" in env, "KAGGLE_KEY" in env
    has_user = user_env or "username" in from_file
    has_key = key_env or "key" in from_file
    if not (has_user and has_key):
        return None

    if user_env and key_env:
        return CredentialSource("api_key", "KAGGLE_USERNAME/KAGGLE_KEY environment variables")
    _warn_if_readable(json_path)
    if not user_env and not key_env:
        return CredentialSource("api_key", str(json_path), json_path)
    overlay = "KAGGLE_USERNAME" if user_env else "KAGGLE_KEY"
    return CredentialSource("api_key", f"{json_path} with {overlay} from the environment",
                            json_path)


def _find_oauth(home: Path) -> CredentialSource | None:
    path = home / ".kaggle" / "credentials.json"
    if not path.is_file():
        return None
    _warn_if_readable(path)
    return CredentialSource("oauth", f"{path} (from 'kaggle auth login')", path)


def _read_kaggle_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        logger.warning("%s is not valid JSON; the Kaggle client ignores it", path)
        return {}
    return data if isinstance(data, dict) else {}


def _has_text(path: Path) -> bool:
    try:
        return path.is_file() and bool(path.read_text(encoding="utf-8").strip())
    except OSError:
        return False


def _warn_if_readable(path: Path) -> None:
    """Warn once per file when a credentials file is group- or world-readable (POSIX)."""
    if os.name == "nt" or path in _warned_readable:
        return
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        _warned_readable.add(path)
        logger.warning("%s is readable by other users: run 'chmod 600 %s'", path, path)


# ---------------------------------------------------------------------------
# What the connection returns


@dataclass(frozen=True)
class CompetitionInfo:
    """A competition as the Kaggle API describes it."""

    slug: str
    title: str
    metric: str | None
    kernels_only: bool
    max_daily_submissions: int
    url: str
    rules_url: str


@dataclass(frozen=True)
class DataFile:
    """One file of a competition's data, as listed by Kaggle."""

    name: str
    size_bytes: int


@dataclass(frozen=True)
class SubmissionLimits:
    """How many submissions the user's team made today and may still make."""

    used_today: int
    used_total: int
    allowed_now: int
    limited_by_total: bool

    @property
    def on_team(self) -> bool:
        """False when Kaggle reports all zeros: the user has no team yet."""
        return bool(self.used_today or self.used_total or self.allowed_now)


@dataclass(frozen=True)
class SubmissionResult:
    """The state of one submission: ``status`` is PENDING, COMPLETE or ERROR."""

    ref: int
    status: str
    public_score: str | None
    error_description: str | None


# ---------------------------------------------------------------------------
# Connecting


def connect() -> KaggleConnection:
    """Authenticate with the official client and return a connection."""
    source = find_credentials()
    if source is None:
        raise CredentialsError(f"no Kaggle credentials found: {credentials_help()}")

    api = _new_api()
    connection = KaggleConnection(api, source)
    with connection._calling("checking the Kaggle credentials"):
        try:
            api.authenticate()
        except SystemExit:
            raise CredentialsError(
                f"Kaggle did not accept the credentials from {source.description}: "
                f"{credentials_help()}"
            ) from None
    logger.debug("Kaggle credentials from %s", source.description)
    return connection


class KaggleConnection:
    """An authenticated official client, with errors turned into one-line messages."""

    def __init__(self, api: Any, source: CredentialSource) -> None:
        self._api = api
        self.source = source

    # -- competitions --------------------------------------------------------

    def resolve(self, name: str) -> CompetitionInfo:
        """The competition that ``name`` means: its exact slug, else one clear match.

        The rule: a result whose slug equals ``name`` is taken; else the only result whose
        slug starts with ``name``; else the only result whose slug or title holds every
        word of ``name``. Anything else (no result, or several) is an error that lists
        the candidates.
        """
        wanted = name.strip().lower()
        results = self._search(wanted)
        exact = [c for c in results if c.slug.lower() == wanted]
        if exact:
            return exact[0]

        match = _unique_match(wanted, results)
        if match is not None:
            logger.info("'%s' is the competition %s (%s)", name, match.slug, match.title)
            return match
        if not results:
            raise KaggleError(
                f"no Kaggle competition matches '{name}': use the slug from the "
                f"competition's address ({KAGGLE_WEB}/competitions/<slug>)"
            )
        if len(results) == 1:
            only = results[0]
            raise KaggleError(f"no competition is called '{name}'; did you mean {only.slug} "
                              f"({only.title})? Run again with that slug")
        candidates = "; ".join(f"{c.slug} ({c.title})" for c in results[:10])
        raise KaggleError(
            f"'{name}' matches several competitions: {candidates}; run again with one slug"
        )

    def list_files(self, slug: str) -> list[DataFile]:
        """Every file of the competition's data (all pages of the listing)."""
        files: list[DataFile] = []
        token: str | None = None
        for _page in range(200):
            with self._calling(f"listing the files of '{slug}'", slug, forbidden=_rules):
                response = self._api.competition_list_files(slug, page_token=token,
                                                            page_size=200)
            files += [DataFile(f.name, int(f.total_bytes or 0)) for f in response.files or []]
            token = response.next_page_token
            if not token:
                break
        return files

    def download(self, slug: str, dest_dir: Path, progress: bool = True) -> Path:
        """Download the competition's bundle into ``dest_dir``; return the archive's path.

        A partial download left in ``dest_dir`` is resumed, and a complete one is kept.
        """
        dest_dir.mkdir(parents=True, exist_ok=True)
        logger.info("downloading %s into %s", slug, dest_dir)
        with self._calling(f"downloading '{slug}'", slug, forbidden=_rules,
                           show_stderr=progress):
            self._api.competition_download_files(slug, path=str(dest_dir), quiet=not progress)

        archives = [p for p in dest_dir.glob(f"{slug}.*") if p.suffix != ".kaggle-partial"]
        if not archives:
            raise KaggleError(f"Kaggle sent nothing for '{slug}': retry later")
        return max(archives, key=lambda p: p.stat().st_mtime)

    # -- submissions ---------------------------------------------------------

    def submission_limits(self, slug: str) -> SubmissionLimits:
        """Today's submission count and the submissions still allowed today."""
        with self._calling(f"reading the submission limits of '{slug}'", slug,
                           forbidden=_rules):
            limits = self._api.competition_get_submission_limits(slug)
        return SubmissionLimits(
            used_today=int(limits.num_today or 0),
            used_total=int(limits.num_total or 0),
            allowed_now=int(limits.num_allowed_now or 0),
            limited_by_total=bool(limits.limited_by_total),
        )

    def submit(
        self,
        slug: str,
        file: Path,
        message: str,
        wait: bool,
        timeout: float,
        poll_interval: float = 5,
    ) -> SubmissionResult:
        """Upload ``file`` as a submission and, with ``wait``, poll until it is scored.

        Without ``wait``, or when ``timeout`` seconds pass first, the result's status is
        PENDING. A scoring error raises :class:`SubmissionError` with Kaggle's reason.
        """
        self._check_can_submit(slug, file)

        logger.info("uploading %s to %s", file.name, slug)
        with self._calling(f"submitting to '{slug}'", slug, forbidden=_rules):
            response = self._api.competition_submit(str(file), message, slug, quiet=True)
        ref = int(response.ref or 0)
        if not ref:
            raise SubmissionError(
                f"uploading {file.name} to '{slug}' failed ({response.message or 'no reason'}):"
                " nothing was submitted; retry later"
            )
        logger.info("submitted %s to %s as submission %d", file.name, slug, ref)
        if not wait:
            return SubmissionResult(ref, "PENDING", None, None)
        return self._wait_for_score(slug, ref, timeout, poll_interval)

    def get_submission(self, ref: int) -> SubmissionResult:
        """The current state of submission ``ref``."""
        with self._calling(f"reading submission {ref}"):
            submission = self._api.get_submission(ref)
        status = getattr(submission.status, "name", str(submission.status))
        return SubmissionResult(
            ref=ref,
            status=status,
            public_score=submission.public_score or None,
            error_description=submission.error_description or None,
        )

    def _check_can_submit(self, slug: str, file: Path) -> None:
        if not file.is_file():
            raise SubmissionError(f"submission file {file} does not exist")
        info = self._find_exact(slug)
        if info is not None and info.kernels_only:
            raise SubmissionError(
                f"'{slug}' takes submissions only from Kaggle notebooks: run your notebook "
                f"on Kaggle ({info.url}/code) and submit its output there"
            )

        limits = self.submission_limits(slug)
        if limits.on_team and limits.allowed_now <= 0:
            raise SubmissionError(_limit_message(slug, limits))

    def _wait_for_score(
        self, slug: str, ref: int, timeout: float, poll_interval: float
    ) -> SubmissionResult:
        deadline = time.monotonic() + timeout
        while True:
            result = self._poll_once(ref)
            if result.status == "COMPLETE":
                logger.info("submission %d scored: %s", ref, result.public_score)
                return result
            if result.status == "ERROR":
                reason = " ".join((result.error_description or "no reason given").split())
                raise SubmissionError(f"Kaggle could not score submission {ref} to '{slug}': "
                                      f"{reason}")

            remaining = deadline - time.monotonic()
            if remaining <= 0:
                logger.warning("submission %d is not scored after %.0f s; see %s/submissions",
                               ref, timeout, f"{KAGGLE_WEB}/competitions/{slug}")
                return result
            logger.info("waiting for the score of submission %d (%s)", ref, result.status)
            time.sleep(min(poll_interval, remaining))

    def _poll_once(self, ref: int) -> SubmissionResult:
        import requests

        try:
            return self.get_submission(ref)
        except KaggleError as err:
            # A new submission may not be readable yet: Kaggle answers 404 for a moment.
            cause = err.__cause__
            if isinstance(cause, requests.HTTPError) and _status(cause) == 404:
                return SubmissionResult(ref, "PENDING", None, None)
            raise

    # -- searching -----------------------------------------------------------

    def _search(self, wanted: str) -> list[CompetitionInfo]:
        queries = [wanted]
        if "-" in wanted or "_" in wanted:
            queries.append(re.sub(r"[-_]+", " ", wanted))

        found: dict[str, CompetitionInfo] = {}
        for query in queries:
            for info in self._search_once(query):
                found.setdefault(info.slug, info)
            results = list(found.values())
            if wanted in found or _unique_match(wanted, results) is not None:
                break
        return results

    def _search_once(self, query: str) -> list[CompetitionInfo]:
        results: list[CompetitionInfo] = []
        token: str | None = None
        for _page in range(3):
            with self._calling(f"searching Kaggle for '{query}'"):
                response = self._api.competitions_list(search=query, page_token=token)
            results += [_competition_info(c) for c in (response.competitions or [])]
            token = response.next_page_token
            if not token or any(c.slug == query for c in results):
                break
        return results

    def _find_exact(self, slug: str) -> CompetitionInfo | None:
        return next((c for c in self._search_once(slug) if c.slug == slug), None)

    # -- errors --------------------------------------------------------------

    @contextlib.contextmanager
    def _calling(
        self,
        action: str,
        slug: str | None = None,
        forbidden: Callable[[str], str] | None = None,
        show_stderr: bool = False,
    ) -> Iterator[None]:
        """Run a client call quietly and turn its failures into one-line errors."""
        import requests
        import urllib3.exceptions

        try:
            with _client_output(show_stderr):
                yield
        except requests.HTTPError as err:
            raise self._http_error(err, action, slug, forbidden) from err
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,
            urllib3.exceptions.HTTPError,
        ) as err:
            raise KaggleError(self._network_message(err, action, slug)) from err
        except requests.RequestException as err:
            raise KaggleError(f"{action} failed: {self._scrub(_first_line(err))}") from err
        except ValueError as err:
            # The client raises ValueError for a download whose size does not match.
            raise KaggleError(f"{action} failed: {self._scrub(_first_line(err))}; "
                              "run the command again to retry") from err

    def _http_error(
        self,
        err: Exception,
        action: str,
        slug: str | None,
        forbidden: Callable[[str], str] | None,
    ) -> Exception:
        code = _status(err)
        detail = self._scrub(_first_line(err))
        if code == 401:
            return CredentialsError(
                "Kaggle rejected the credentials (401): create a new API token in your Kaggle "
                f"account settings ({TOKEN_SETTINGS_URL}) and replace the old one "
                f"({self.source.description})"
            )
        if code == 400 and action.startswith("submitting"):
            return SubmissionError(f"Kaggle refused {action} (400: {detail}): check that you "
                                   "joined the competition and have submissions left today")
        if code == 403 and slug and forbidden:
            return KaggleError(forbidden(slug))
        if code == 403:
            return KaggleError(f"Kaggle refused {action} (403: {detail})")
        if code == 404:
            return KaggleError(f"Kaggle found nothing while {action} (404): check the "
                               "competition's slug in its address on kaggle.com")
        if code == 429:
            return KaggleError(f"Kaggle is limiting the rate of requests (429) while {action}:"
                               " wait a few minutes, then retry")
        if code is not None and code >= 500:
            return KaggleError(f"Kaggle had a problem on its side ({code}) while {action}: "
                               "retry later")
        return KaggleError(f"Kaggle refused {action} ({code}: {detail})")

    def _network_message(self, err: Exception, action: str, slug: str | None) -> str:
        if action.startswith("downloading") and slug:
            return (f"the download of '{slug}' was interrupted ({_reason(err)}): run the "
                    "command again to resume it")
        return (f"could not reach Kaggle while {action} ({_reason(err)}): check the internet "
                "connection and any proxy settings, then retry")

    def _scrub(self, text: str) -> str:
        values = getattr(self._api, "config_values", {}) or {}
        for name in ("key", "token"):
            secret = values.get(name)
            if secret and len(str(secret)) >= 4:
                text = text.replace(str(secret), "***")
        return text


def _rules(slug: str) -> str:
    url = f"{KAGGLE_WEB}/competitions/{slug}/rules"
    return f"You have not accepted the rules for '{slug}'. Open {url}, accept, then retry."


def _limit_message(slug: str, limits: SubmissionLimits) -> str:
    if limits.limited_by_total:
        return (f"the total submission limit of '{slug}' is reached ({limits.used_total} "
                "submissions): no more submissions are allowed")
    now = datetime.now(timezone.utc)
    reset = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    hours, seconds = divmod(int((reset - now).total_seconds()), 3600)
    return (f"daily submission limit reached for {slug} ({limits.used_today} used today): "
            f"the next slot opens after 00:00 UTC (in {hours} h {seconds // 60} min); "
            "nothing was uploaded")


def _unique_match(wanted: str, results: list[CompetitionInfo]) -> CompetitionInfo | None:
    prefixed = [c for c in results if c.slug.lower().startswith(wanted)]
    if len(prefixed) == 1:
        return prefixed[0]
    words = [w for w in re.split(r"[\s_-]+", wanted) if w]
    holding = [c for c in results if words and all(
        w in c.slug.lower() or w in c.title.lower() for w in words)]
    return holding[0] if len(holding) == 1 else None


def _competition_info(competition: Any) -> CompetitionInfo:
    slug = (competition.ref or "").rstrip("/").rsplit("/", 1)[-1]
    url = f"{KAGGLE_WEB}/competitions/{slug}"
    return CompetitionInfo(
        slug=slug,
        title=competition.title or slug,
        metric=competition.evaluation_metric or None,
        kernels_only=bool(competition.is_kernels_submissions_only),
        max_daily_submissions=int(competition.max_daily_submissions or 0),
        url=url,
        rules_url=f"{url}/rules",
    )


def _status(err: Exception) -> int | None:
    response = getattr(err, "response", None)
    return getattr(response, "status_code", None)


def _first_line(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return " ".join(text.split())


def _reason(err: Exception) -> str:
    text = str(err).lower()
    for needle, reason in (("timed out", "timed out"), ("refused", "connection refused"),
                           ("name or service", "unknown host"), ("resolve", "unknown host")):
        if needle in text:
            return reason
    return type(err).__name__


# ---------------------------------------------------------------------------
# Loading the official client quietly


class _LogStream(io.TextIOBase):
    """A text stream that sends each line written to it to the debug log."""

    def __init__(self) -> None:
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            if line.strip():
                logger.debug("kaggle: %s", line.strip())
        return len(text)


@contextlib.contextmanager
def _client_output(show_stderr: bool = False) -> Iterator[None]:
    """Send what the client prints to the debug log; keep stderr for progress bars."""
    stream = _LogStream()
    with contextlib.redirect_stdout(stream):
        if show_stderr:
            yield
            return
        with contextlib.redirect_stderr(stream):
            yield


def _new_api() -> Any:
    """A fresh ``KaggleApi`` configured for the current environment, not yet authenticated."""
    api = _bounded_api_class()()
    folder = config_dir()
    # The class fixes these when it is first imported; set them for this call instead.
    api.config_dir = str(folder)
    api.config = str(folder / "kaggle.json")
    api.args = ["--local"] if os.environ.get("KAGGLE_API_ENVIRONMENT") == "LOCALHOST" else []
    return api


def _bounded_api_class() -> type:
    """``KaggleApi`` whose every request has a timeout (the client sets none on most)."""
    global _api_class
    if _api_class is not None:
        return _api_class

    extended = _client_module()
    adapter_class = _timeout_adapter_class()
    # The upload PUT uses the module's HTTPAdapter name; give it the bounded one.
    setattr(extended, "HTTPAdapter", adapter_class)  # noqa: B010

    class BoundedKaggleApi(extended.KaggleApi):  # type: ignore[misc, name-defined]
        def build_kaggle_client(self) -> Any:
            client = super().build_kaggle_client()
            http = client.http_client()
            http._init_session()
            for prefix in ("http://", "https://"):
                http._session.mount(prefix, adapter_class())
            return client

    _api_class = BoundedKaggleApi
    return _api_class


def _timeout_adapter_class() -> type:
    from requests.adapters import HTTPAdapter

    class TimeoutAdapter(HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            if kwargs.get("timeout") is None:
                kwargs["timeout"] = REQUEST_TIMEOUT
            return super().send(request, *args, **kwargs)

    return TimeoutAdapter


def _client_module() -> types.ModuleType:
    """``kaggle.api.kaggle_api_extended``, imported without running ``kaggle/__init__``."""
    name = "kaggle.api.kaggle_api_extended"
    if name in sys.modules:
        return sys.modules[name]

    if "kaggle" not in sys.modules:
        spec = importlib.util.find_spec("kaggle")
        if spec is None or not spec.submodule_search_locations:
            raise KaggleError("the kaggle package is not installed: run "
                              "'pip install kaggle==2.2.5 six'")
        # A bare package module: its __init__ would authenticate and print on import.
        package = types.ModuleType("kaggle")
        package.__path__ = list(spec.submodule_search_locations)
        package.__spec__ = spec
        package.__version__ = importlib.metadata.version("kaggle")  # type: ignore[attr-defined]
        sys.modules["kaggle"] = package

    with _without_env("VERBOSE", "VERBOSE_OUTPUT"), _client_output():
        module = importlib.import_module(name)
    return module


@contextlib.contextmanager
def _without_env(*names: str) -> Iterator[None]:
    """Hide environment variables while the client's class body reads them."""
    saved = {n: os.environ.pop(n) for n in names if n in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)
