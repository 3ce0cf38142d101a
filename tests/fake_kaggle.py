"""A fake Kaggle API on 127.0.0.1 for the tests, speaking the official client's wire format.

It implements the routes of ``KAGGLE_API.md`` §2.5 that kagglekit uses: ListCompetitions,
ListDataFiles, DownloadDataFiles (302 to ``/storage/<slug>.zip``, then a GET with
Content-Length, Last-Modified, ETag and Range support), GetSubmissionLimits,
StartSubmissionUpload and the upload PUT, CreateSubmission, GetSubmission,
ListSubmissions, and IntrospectToken for access tokens.

Use it in-process (``kaggle_fixtures.fake_kaggle``) or from a subprocess with
``KAGGLE_API_ENVIRONMENT=LOCALHOST`` and ``HTTP_PROXY=<fake.url>`` (see
``kaggle_fixtures.fake_kaggle_env``): absolute-form request targets are understood.

Every request is recorded in ``fake.requests``. Switches:

- ``reject_credentials``: every authenticated call answers 401;
- ``fail(method, status, times=None)``: the next ``times`` calls (all when None) of an RPC
  method (``"DownloadDataFiles"``) or of ``"storage"`` / ``"upload"`` answer ``status``
  (429 comes with ``Retry-After: 0``);
- ``cut_downloads = n``: the next ``n`` storage GETs send half their bytes, then close;
- ``stall(method, seconds)``: answer that method only after a delay;
- ``fail_upload``: the upload PUT answers 500;
- per competition: ``rules_accepted``, ``kernels_only``, ``used_today`` against
  ``max_daily_submissions``, ``score`` (a string, or a function of the file's bytes that
  returns one or raises to give status ERROR), ``error_description`` and
  ``pending_polls`` (how many GetSubmission calls answer PENDING first), ``search_text``
  (more words the search finds it by).

An unknown competition answers 403, as Kaggle does for a mistyped slug.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

SERVICE = "competitions.CompetitionApiService"
LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"
USERNAME = "kk-tester"
KEY = "kk-secret-key-0123456789"

Score = str | Callable[[bytes], str]


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    body: bytes
    headers: dict[str, str]

    @property
    def rpc(self) -> str | None:
        """The RPC method name (``DownloadDataFiles``), or None for other routes."""
        if "/v1/" not in self.path:
            return None
        return self.path.rsplit("/", 1)[-1]

    def json(self) -> Any:
        """The request body parsed as JSON."""
        return json.loads(self.body or b"{}")


@dataclass
class FakeCompetition:
    """A competition the fake serves, with its bundle and its submission behaviour."""

    slug: str
    bundle: bytes
    title: str
    evaluation_metric: str | None = None
    kernels_only: bool = False
    max_daily_submissions: int = 5
    used_today: int = 0
    rules_accepted: bool = True
    score: Score = "0.75"
    error_description: str | None = None
    pending_polls: int = 0
    files: list[tuple[str, int]] | None = None
    search_text: str = ""  # more words the search matches, as Kaggle's matches descriptions

    def data_files(self) -> list[tuple[str, int]]:
        """The listed files: as given, else the bundle's zip entries."""
        if self.files is not None:
            return self.files
        try:
            with zipfile.ZipFile(io.BytesIO(self.bundle)) as bundle:
                return [(i.filename, i.file_size) for i in bundle.infolist() if not i.is_dir()]
        except zipfile.BadZipFile:  # a test's deliberately broken bundle
            return [(f"{self.slug}.zip", len(self.bundle))]


@dataclass
class _Submission:
    ref: int
    slug: str
    file_name: str
    content: bytes
    description: str
    polls: int = 0


@dataclass
class _Failure:
    status: int
    times: int | None


@dataclass
class FakeKaggle:
    """The fake server; start it with ``start()`` or use it as a context manager."""

    username: str = USERNAME
    key: str = KEY
    token: str | None = None
    competitions: dict[str, FakeCompetition] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    reject_credentials: bool = False
    cut_downloads: int = 0
    fail_upload: bool = False

    def __post_init__(self) -> None:
        self._failures: dict[str, _Failure] = {}
        self._stalls: dict[str, float] = {}
        self._blobs: dict[str, dict[str, Any]] = {}
        self._submissions: dict[int, _Submission] = {}
        self._next_ref = 1000
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- set-up ----------------------------------------------------------------

    def add_competition(self, slug: str, bundle: bytes, **options: Any) -> FakeCompetition:
        """Register a competition; ``options`` are :class:`FakeCompetition` fields."""
        options.setdefault("title", slug.replace("-", " ").title())
        competition = FakeCompetition(slug=slug, bundle=bundle, **options)
        self.competitions[slug] = competition
        return competition

    def fail(self, method: str, status: int, times: int | None = None) -> None:
        """Answer the next ``times`` calls of ``method`` (all when None) with ``status``."""
        self._failures[method] = _Failure(status, times)

    def stall(self, method: str, seconds: float) -> None:
        """Delay the answers to ``method`` by ``seconds``."""
        self._stalls[method] = seconds

    def calls(self, name: str) -> list[Recorded]:
        """The recorded requests of an RPC method, or of ``storage`` / ``upload``."""
        with self._lock:
            return [r for r in self.requests if _route(r.path) == name]

    # -- running ---------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        if self._server is None:
            raise RuntimeError("the fake Kaggle server is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeKaggle:
        """Serve on a free port of 127.0.0.1 in a daemon thread."""
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeKaggle:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- used by the handler ---------------------------------------------------

    def _record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)

    def _injected(self, route: str) -> int | None:
        with self._lock:
            failure = self._failures.get(route)
            if failure is None:
                return None
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    del self._failures[route]
            return failure.status

    def _take_cut(self) -> bool:
        with self._lock:
            if self.cut_downloads > 0:
                self.cut_downloads -= 1
                return True
            return False

    def _authorised(self, header: str) -> bool:
        if self.reject_credentials:
            return False
        basic = base64.b64encode(f"{self.username}:{self.key}".encode()).decode()
        return header == f"Basic {basic}" or bool(self.token and header == f"Bearer {self.token}")


def _route(path: str) -> str:
    if "/v1/" in path:
        return path.rsplit("/", 1)[-1]
    return path.strip("/").split("/", 1)[0]


class _Handler(BaseHTTPRequestHandler):
    """Answers one request of the official client."""

    server_fake: FakeKaggle
    protocol_version = "HTTP/1.1"
    timeout = 30

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Keep the test output clean."""

    # -- dispatch --------------------------------------------------------------

    def do_POST(self) -> None:  # noqa: N802
        self._handle()

    def do_GET(self) -> None:  # noqa: N802
        self._handle()

    def do_PUT(self) -> None:  # noqa: N802
        self._handle()

    def _handle(self) -> None:
        fake = self.server_fake
        target = urlsplit(self.path)
        self._base = self._base_url(target)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items()}
        fake._record(Recorded(self.command, target.path, body, headers))

        route = _route(target.path)
        time.sleep(fake._stalls.get(route, 0))
        injected = fake._injected(route)
        if injected is not None:
            self._error(injected, f"injected {injected}")
        elif target.path.startswith("/storage/"):
            self._storage(target.path)
        elif target.path.startswith("/upload/"):
            self._upload(target.path, body)
        elif "/v1/" in target.path:
            self._rpc(route, body)
        else:
            self._error(404, "NotFound")

    def _base_url(self, target: Any) -> str:
        if target.scheme and target.netloc:  # proxy mode: an absolute-form target
            return f"{target.scheme}://{target.netloc}"
        return f"http://{self.headers.get('Host', '127.0.0.1')}"

    def _rpc(self, method: str, body: bytes) -> None:
        fake = self.server_fake
        handler = getattr(self, f"_rpc_{method}", None)
        if handler is None:
            self._error(404, f"no such method {method}")
            return
        if method != "IntrospectToken" and not fake._authorised(
            self.headers.get("Authorization", "")
        ):
            self._error(401, "Unauthenticated")
            return
        handler(json.loads(body or b"{}"))

    # -- replies ---------------------------------------------------------------

    def _json(self, payload: Any, status: int = 200, extra: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str) -> None:
        extra = {"Retry-After": "0"} if status == 429 else None
        self._json({"code": status, "message": message}, status, extra)

    def _competition(self, slug: str) -> FakeCompetition | None:
        competition = self.server_fake.competitions.get(slug)
        if competition is None:
            self._error(403, "Permission 'competitions.get' was denied")
        return competition

    # -- competitions ----------------------------------------------------------

    def _rpc_IntrospectToken(self, request: dict[str, Any]) -> None:  # noqa: N802
        fake = self.server_fake
        active = bool(fake.token) and request.get("token") == fake.token
        self._json({"active": active, "username": fake.username if active else ""})

    def _rpc_ListCompetitions(self, request: dict[str, Any]) -> None:  # noqa: N802
        words = request.get("search", "").lower().replace("-", " ").split()
        matches = [
            c for c in self.server_fake.competitions.values()
            if all(w in f"{c.slug} {c.title} {c.search_text}".lower() for w in words)
        ]
        page, token = _page(matches, request)
        self._json({"competitions": [_competition_json(c) for c in page],
                    "nextPageToken": token})

    def _rpc_ListDataFiles(self, request: dict[str, Any]) -> None:  # noqa: N802
        competition = self._competition(request.get("competitionName", ""))
        if competition is None:
            return
        files = [{"name": n, "totalBytes": s, "creationDate": "2024-01-01T00:00:00Z"}
                 for n, s in competition.data_files()]
        page, token = _page(files, request)
        self._json({"files": page, "nextPageToken": token})

    def _rpc_DownloadDataFiles(self, request: dict[str, Any]) -> None:  # noqa: N802
        competition = self._competition(request.get("competitionName", ""))
        if competition is None:
            return
        if not competition.rules_accepted:
            self._error(403, "You must accept this competition's rules before you'll be able "
                             "to download files.")
            return
        self.send_response(302)
        self.send_header("Location", f"{self._base}/storage/{competition.slug}.zip?sig=fake")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _storage(self, path: str) -> None:
        slug = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        competition = self.server_fake.competitions.get(slug)
        if competition is None:
            self._error(404, "NotFound")
            return
        data = competition.bundle
        etag = '"' + hashlib.sha1(data).hexdigest() + '"'
        start = self._range_start(etag, len(data))
        if start is None:
            return
        body = data[start:]
        self.send_response(206 if start else 200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", LAST_MODIFIED)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        if self.server_fake._take_cut():
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.end_headers()
        self.wfile.write(body)

    def _range_start(self, etag: str, size: int) -> int | None:
        """The first byte to send; None when a 416 was sent instead."""
        wanted = self.headers.get("Range", "")
        if not wanted.startswith("bytes="):
            return 0
        validator = self.headers.get("If-Range")
        if validator and validator not in (etag, LAST_MODIFIED):
            return 0
        start = int(wanted[len("bytes="):].split("-", 1)[0] or 0)
        if start >= size:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return start

    # -- submissions -----------------------------------------------------------

    def _rpc_GetSubmissionLimits(self, request: dict[str, Any]) -> None:  # noqa: N802
        competition = self._competition(request.get("competitionName", ""))
        if competition is None:
            return
        allowed = max(0, competition.max_daily_submissions - competition.used_today)
        self._json({"numToday": competition.used_today, "numTotal": competition.used_today,
                    "numAllowedNow": allowed, "limitedByTotal": False})

    def _rpc_StartSubmissionUpload(self, request: dict[str, Any]) -> None:  # noqa: N802
        competition = self._competition(request.get("competitionName", ""))
        if competition is None:
            return
        fake = self.server_fake
        with fake._lock:
            token = f"blob-{len(fake._blobs) + 1}"
            fake._blobs[token] = {"slug": competition.slug, "content": None,
                                  "fileName": request.get("fileName", "")}
        self._json({"token": token, "createUrl": f"{self._base}/upload/{token}"})

    def _upload(self, path: str, body: bytes) -> None:
        fake = self.server_fake
        token = path.rsplit("/", 1)[-1]
        if fake.fail_upload or token not in fake._blobs:
            self._error(500, "upload failed")
            return
        fake._blobs[token]["content"] = body
        self._json({}, 200)

    def _rpc_CreateSubmission(self, request: dict[str, Any]) -> None:  # noqa: N802
        fake = self.server_fake
        competition = self._competition(request.get("competitionName", ""))
        if competition is None:
            return
        blob = fake._blobs.get(request.get("blobFileTokens", ""))
        if blob is None or blob["content"] is None:
            self._error(400, "The uploaded file was not found")
        elif not competition.rules_accepted:
            self._error(403, "You must accept this competition's rules first")
        elif competition.kernels_only:
            self._error(400, "This competition only accepts submissions from notebooks")
        elif competition.used_today >= competition.max_daily_submissions:
            self._error(400, "Your team has used its daily submission allowance")
        else:
            with fake._lock:
                ref = fake._next_ref
                fake._next_ref += 1
                competition.used_today += 1
                fake._submissions[ref] = _Submission(
                    ref, competition.slug, blob["fileName"], blob["content"],
                    request.get("submissionDescription", ""))
            self._json({"message": f"Successfully submitted to {competition.title}",
                        "ref": ref})

    def _rpc_GetSubmission(self, request: dict[str, Any]) -> None:  # noqa: N802
        submission = self.server_fake._submissions.get(int(request.get("ref", 0)))
        if submission is None:
            self._error(404, "NotFound")
            return
        submission.polls += 1
        self._json(self._submission_json(submission))

    def _rpc_ListSubmissions(self, request: dict[str, Any]) -> None:  # noqa: N802
        slug = request.get("competitionName", "")
        if self._competition(slug) is None:
            return
        mine = [s for s in self.server_fake._submissions.values() if s.slug == slug]
        self._json({"submissions": [self._submission_json(s) for s in reversed(mine)],
                    "nextPageToken": ""})

    def _submission_json(self, submission: _Submission) -> dict[str, Any]:
        competition = self.server_fake.competitions[submission.slug]
        payload: dict[str, Any] = {
            "ref": submission.ref, "fileName": submission.file_name,
            "date": "2024-01-01T00:00:00Z", "description": submission.description,
            "totalBytes": len(submission.content), "submittedBy": self.server_fake.username,
            "teamName": self.server_fake.username, "status": "PENDING",
            "publicScore": "", "privateScore": "",
        }
        if submission.polls <= competition.pending_polls:
            return payload
        status, score, error = _scored(competition, submission.content)
        payload.update(status=status, publicScore=score)
        if error:
            payload["errorDescription"] = error
        return payload


def _scored(competition: FakeCompetition, content: bytes) -> tuple[str, str, str | None]:
    if competition.error_description:
        return "ERROR", "", competition.error_description
    if isinstance(competition.score, str):
        return "COMPLETE", competition.score, None
    try:
        return "COMPLETE", competition.score(content), None
    except Exception as err:  # the test's scorer rejected the file
        return "ERROR", "", str(err)


def _page(items: list[Any], request: dict[str, Any]) -> tuple[list[Any], str]:
    size = int(request.get("pageSize") or 20)
    start = int(request.get("pageToken") or 0)
    end = start + size
    return items[start:end], (str(end) if end < len(items) else "")


def _competition_json(competition: FakeCompetition) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": abs(hash(competition.slug)) % 100000,
        "ref": f"https://www.kaggle.com/competitions/{competition.slug}",
        "title": competition.title,
        "deadline": "2030-01-01T00:00:00Z",
        "category": "Getting Started",
        "reward": "Knowledge",
        "teamCount": 10,
        "userHasEntered": competition.rules_accepted,
        "maxDailySubmissions": competition.max_daily_submissions,
        "isKernelsSubmissionsOnly": competition.kernels_only,
    }
    if competition.evaluation_metric:
        payload["evaluationMetric"] = competition.evaluation_metric
    return payload


def make_zip(files: dict[str, bytes | str]) -> bytes:
    """A zip archive holding ``files`` (name -> content), built in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
