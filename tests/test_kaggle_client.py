"""The Kaggle connection against the fake Kaggle API: credentials, resolve, errors, submit."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fake_kaggle import FakeKaggle, make_zip
from kaggle_fixtures import fake_kaggle, fake_kaggle_env, kaggle_isolation  # noqa: F401

from kagglekit import kaggle_client
from kagglekit.errors import CredentialsError, KaggleError, SubmissionError
from kagglekit.kaggle_client import SubmissionLimits, connect, find_credentials

pytestmark = [pytest.mark.timeout(60), pytest.mark.usefixtures("kaggle_isolation")]

BUNDLE = make_zip({"train.csv": "PassengerId,Survived\n1,0\n", "test.csv": "PassengerId\n2\n"})


def write_json(path: Path, data: dict[str, str], mode: int = 0o600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    path.chmod(mode)
    return path


@pytest.fixture
def home(kaggle_isolation: Path) -> Path:  # noqa: F811
    return kaggle_isolation


@pytest.fixture
def titanic(fake_kaggle: FakeKaggle) -> FakeKaggle:  # noqa: F811
    fake_kaggle.add_competition("titanic", BUNDLE,
                                title="Titanic - Machine Learning from Disaster",
                                evaluation_metric="Categorization Accuracy")
    return fake_kaggle


# ---------------------------------------------------------------------------
# Where credentials come from


def test_no_credentials_anywhere(home: Path) -> None:
    assert find_credentials(environ={}, home=home) is None


def test_no_credentials_is_one_line_listing_every_way(
    home: Path,
    fake_kaggle: FakeKaggle,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("KAGGLE_USERNAME")
    monkeypatch.delenv("KAGGLE_KEY")

    with pytest.raises(CredentialsError) as caught:
        connect()

    message = str(caught.value)
    assert "\n" not in message
    for way in ("kaggle.json", "KAGGLE_USERNAME and KAGGLE_KEY", "KAGGLE_API_TOKEN",
                "~/.kaggle/access_token", "https://www.kaggle.com/settings"):
        assert way in message
    assert str(home / ".config" / "kaggle" / "kaggle.json") in message
    assert fake_kaggle.requests == [], "nothing may be sent without credentials"
    assert capsys.readouterr().out == ""


def test_environment_variables(home: Path) -> None:
    source = find_credentials({"KAGGLE_USERNAME": "u", "KAGGLE_KEY": "secret-key"}, home)

    assert source is not None and source.kind == "api_key"
    assert source.description == "KAGGLE_USERNAME/KAGGLE_KEY environment variables"
    assert "secret-key" not in repr(source)


def test_kaggle_json_in_dot_kaggle(home: Path) -> None:
    path = write_json(home / ".kaggle" / "kaggle.json", {"username": "u", "key": "secret-key"})

    source = find_credentials({}, home)

    assert source is not None and source.description == str(path) and source.path == path
    assert "secret-key" not in repr(source)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folder is Linux only")
def test_kaggle_json_in_xdg_config_when_dot_kaggle_is_absent(home: Path) -> None:
    path = write_json(home / "xdg" / "kaggle" / "kaggle.json", {"username": "u", "key": "k"})

    source = find_credentials({"XDG_CONFIG_HOME": str(home / "xdg")}, home)

    assert source is not None and source.path == path


def test_kaggle_json_in_kaggle_config_dir(home: Path, tmp_path: Path) -> None:
    path = write_json(tmp_path / "conf" / "kaggle.json", {"username": "u", "key": "k"})
    write_json(home / ".kaggle" / "kaggle.json", {"username": "other", "key": "k"})

    source = find_credentials({"KAGGLE_CONFIG_DIR": str(tmp_path / "conf")}, home)

    assert source is not None and source.path == path


def test_username_from_environment_and_key_from_file(home: Path) -> None:
    path = write_json(home / ".kaggle" / "kaggle.json", {"key": "k"})

    source = find_credentials({"KAGGLE_USERNAME": "u"}, home)

    assert source is not None
    assert source.description == f"{path} with KAGGLE_USERNAME from the environment"


def test_access_token_variable_wins_over_kaggle_json(home: Path) -> None:
    write_json(home / ".kaggle" / "kaggle.json", {"username": "u", "key": "k"})

    source = find_credentials({"KAGGLE_API_TOKEN": "KGAT_secret"}, home)

    assert source is not None and source.kind == "token"
    assert source.description == "KAGGLE_API_TOKEN environment variable"
    assert "KGAT_secret" not in repr(source)


def test_access_token_variable_naming_a_file(home: Path) -> None:
    token = home / "token.txt"
    token.write_text("KGAT_secret")
    token.chmod(0o600)

    source = find_credentials({"KAGGLE_API_TOKEN": str(token)}, home)

    assert source is not None and source.description == f"KAGGLE_API_TOKEN file {token}"


@pytest.mark.parametrize("name", ["access_token", "access_token.txt"])
def test_access_token_files(home: Path, name: str) -> None:
    path = home / ".kaggle" / name
    path.parent.mkdir()
    path.write_text("KGAT_secret\n")
    path.chmod(0o600)

    source = find_credentials({}, home)

    assert source is not None and source.kind == "token" and source.path == path


def test_empty_access_token_file_is_skipped(home: Path) -> None:
    (home / ".kaggle").mkdir()
    (home / ".kaggle" / "access_token").write_text("  \n")

    assert find_credentials({}, home) is None


def test_oauth_credentials_from_kaggle_auth_login(home: Path) -> None:
    path = write_json(home / ".kaggle" / "credentials.json", {"refresh_token": "r"})

    source = find_credentials({}, home)

    assert source is not None and source.kind == "oauth" and source.path == path


def test_malformed_kaggle_json_is_reported(home: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = home / ".kaggle" / "kaggle.json"
    path.parent.mkdir()
    path.write_text("{not json")

    assert find_credentials({}, home) is None
    assert f"{path} is not valid JSON" in caplog.text


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_world_readable_kaggle_json_warns_once_without_the_key(
    home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_json(home / ".kaggle" / "kaggle.json", {"username": "u", "key": "secret-key"},
                      mode=0o644)
    caplog.set_level(logging.WARNING, logger="kagglekit")

    find_credentials({}, home)
    find_credentials({}, home)

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [f"{path} is readable by other users: run 'chmod 600 {path}'"]
    assert "secret-key" not in caplog.text


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_private_kaggle_json_does_not_warn(home: Path, caplog: pytest.LogCaptureFixture) -> None:
    write_json(home / ".kaggle" / "kaggle.json", {"username": "u", "key": "k"}, mode=0o600)

    find_credentials({}, home)

    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


# ---------------------------------------------------------------------------
# Connecting and authentication errors


def test_connect_with_kaggle_json_prints_nothing(
    titanic: FakeKaggle, home: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("KAGGLE_USERNAME")
    monkeypatch.delenv("KAGGLE_KEY")
    write_json(home / ".kaggle" / "kaggle.json",
               {"username": titanic.username, "key": titanic.key}, mode=0o644)

    connection = connect()
    connection.resolve("titanic")

    assert connection.source.path == home / ".kaggle" / "kaggle.json"
    captured = capsys.readouterr()
    assert captured.out == "", "the client's own warning must not reach stdout"
    assert titanic.key not in captured.err


def test_rejected_credentials_are_a_credentials_error(
    titanic: FakeKaggle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    titanic.reject_credentials = True

    with pytest.raises(CredentialsError) as caught:
        connect().resolve("titanic")

    message = str(caught.value)
    assert message.startswith("Kaggle rejected the credentials (401)")
    assert "create a new API token in your Kaggle account settings" in message
    assert message.endswith("(KAGGLE_USERNAME/KAGGLE_KEY environment variables)")
    assert "\n" not in message
    assert titanic.key not in message and titanic.key not in caplog.text


def test_access_token_is_introspected_and_sent_as_bearer(
    titanic: FakeKaggle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KAGGLE_USERNAME")
    monkeypatch.delenv("KAGGLE_KEY")
    titanic.token = "KGAT_fake_token"
    monkeypatch.setenv("KAGGLE_API_TOKEN", titanic.token)

    connection = connect()
    connection.resolve("titanic")

    assert connection.source.kind == "token"
    assert titanic.calls("IntrospectToken")[0].json() == {"token": titanic.token}
    listing = titanic.calls("ListCompetitions")[0]
    assert listing.headers["Authorization"] == "Bearer KGAT_fake_token"


def test_inactive_token_without_other_credentials(
    titanic: FakeKaggle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KAGGLE_USERNAME")
    monkeypatch.delenv("KAGGLE_KEY")
    monkeypatch.setenv("KAGGLE_API_TOKEN", "KGAT_revoked")

    with pytest.raises(CredentialsError, match="did not accept the credentials from "
                                               "KAGGLE_API_TOKEN environment variable"):
        connect()


def test_unreachable_kaggle_is_one_line(
    titanic: FakeKaggle, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kagglesdk.kaggle_env import KaggleEnv, _env_to_endpoint

    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(_env_to_endpoint, KaggleEnv.LOCAL, f"http://127.0.0.1:{port}")

    with pytest.raises(KaggleError) as caught:
        connect().resolve("titanic")

    assert str(caught.value) == (
        "could not reach Kaggle while searching Kaggle for 'titanic' (connection refused): "
        "check the internet connection and any proxy settings, then retry"
    )


def test_a_hung_server_cannot_hang_the_client(
    titanic: FakeKaggle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kaggle_client, "REQUEST_TIMEOUT", (1.0, 0.5))
    titanic.stall("ListCompetitions", 3)

    with pytest.raises(KaggleError, match=r"\(timed out\)"):
        connect().resolve("titanic")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (404, "Kaggle found nothing while searching Kaggle for 'titanic' (404)"),
        (429, "Kaggle is limiting the rate of requests (429) while searching"),
        (500, "Kaggle had a problem on its side (500) while searching"),
    ],
)
def test_http_errors_become_one_line(titanic: FakeKaggle, status: int, expected: str) -> None:
    titanic.fail("ListCompetitions", status)

    with pytest.raises(KaggleError) as caught:
        connect().resolve("titanic")

    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


# ---------------------------------------------------------------------------
# Resolving a name


def test_resolve_exact_slug(titanic: FakeKaggle) -> None:
    titanic.add_competition("titanic-extended", BUNDLE)

    info = connect().resolve("titanic")

    assert info.slug == "titanic"
    assert info.title == "Titanic - Machine Learning from Disaster"
    assert info.metric == "Categorization Accuracy"
    assert info.url == "https://www.kaggle.com/competitions/titanic"
    assert info.rules_url == "https://www.kaggle.com/competitions/titanic/rules"
    assert (info.kernels_only, info.max_daily_submissions) == (False, 5)


def test_resolve_unique_match(fake_kaggle: FakeKaggle) -> None:  # noqa: F811
    fake_kaggle.add_competition("diabetic-retinopathy-detection", BUNDLE,
                                title="Diabetic Retinopathy Detection")
    fake_kaggle.add_competition("aptos2019-blindness-detection", BUNDLE)

    info = connect().resolve("diabetic-retinopathy")

    assert info.slug == "diabetic-retinopathy-detection"
    assert info.metric is None, "no evaluationMetric from the API means None"


def test_resolve_by_words_of_the_title(fake_kaggle: FakeKaggle) -> None:  # noqa: F811
    fake_kaggle.add_competition("aptos2019-blindness-detection", BUNDLE,
                                title="APTOS 2019 Blindness Detection")

    assert connect().resolve("blindness").slug == "aptos2019-blindness-detection"


def test_resolve_ambiguous_lists_candidates(fake_kaggle: FakeKaggle) -> None:  # noqa: F811
    fake_kaggle.add_competition("dogs-vs-cats", BUNDLE, title="Dogs vs. Cats")
    fake_kaggle.add_competition("dogs-vs-cats-redux-kernels-edition", BUNDLE,
                                title="Dogs vs. Cats Redux: Kernels Edition")

    with pytest.raises(KaggleError) as caught:
        connect().resolve("dogs")

    assert str(caught.value) == (
        "'dogs' matches several competitions: dogs-vs-cats (Dogs vs. Cats); "
        "dogs-vs-cats-redux-kernels-edition (Dogs vs. Cats Redux: Kernels Edition); "
        "run again with one slug"
    )
    assert connect().resolve("dogs-vs-cats").slug == "dogs-vs-cats"


def test_resolve_a_single_loose_result_is_only_suggested(
    fake_kaggle: FakeKaggle,  # noqa: F811
) -> None:
    fake_kaggle.add_competition("house-prices-advanced-regression-techniques", BUNDLE,
                                title="House Prices - Advanced Regression Techniques",
                                search_text="housing sale price")

    with pytest.raises(KaggleError) as caught:
        connect().resolve("housing")

    assert str(caught.value) == (
        "no competition is called 'housing'; did you mean "
        "house-prices-advanced-regression-techniques (House Prices - Advanced Regression "
        "Techniques)? Run again with that slug"
    )


def test_resolve_nothing_found(titanic: FakeKaggle) -> None:
    with pytest.raises(KaggleError, match="no Kaggle competition matches 'titanc'"):
        connect().resolve("titanc")


# ---------------------------------------------------------------------------
# Files and downloads


def test_list_files_reads_every_page(fake_kaggle: FakeKaggle) -> None:  # noqa: F811
    names = [(f"train/{i}.png", i) for i in range(450)]
    fake_kaggle.add_competition("many", BUNDLE, files=names)

    files = connect().list_files("many")

    assert [(f.name, f.size_bytes) for f in files] == names
    assert len(fake_kaggle.calls("ListDataFiles")) == 3


def test_download_returns_the_archive(titanic: FakeKaggle, tmp_path: Path) -> None:
    archive = connect().download("titanic", tmp_path / "dl", progress=False)

    assert archive == tmp_path / "dl" / "titanic.zip"
    assert archive.read_bytes() == BUNDLE
    assert titanic.calls("DownloadDataFiles")[0].json() == {"competitionName": "titanic"}


def test_download_without_accepted_rules(titanic: FakeKaggle, tmp_path: Path) -> None:
    titanic.competitions["titanic"].rules_accepted = False

    with pytest.raises(KaggleError) as caught:
        connect().download("titanic", tmp_path / "dl", progress=False)

    assert str(caught.value) == (
        "You have not accepted the rules for 'titanic'. Open "
        "https://www.kaggle.com/competitions/titanic/rules, accept, then retry."
    )


@pytest.fixture
def large(fake_kaggle: FakeKaggle) -> bytes:  # noqa: F811
    # Larger than the client's 1 MiB chunk, so that a cut leaves bytes on disk.
    bundle = make_zip({"train/big.bin": os.urandom(3 * 2**20)})
    fake_kaggle.add_competition("large", bundle)
    return bundle


def test_download_resumes_after_a_cut(
    fake_kaggle: FakeKaggle, large: bytes, tmp_path: Path  # noqa: F811
) -> None:
    fake_kaggle.cut_downloads = 1

    archive = connect().download("large", tmp_path / "dl", progress=False)

    assert archive.read_bytes() == large
    gets = fake_kaggle.calls("storage")
    assert len(gets) == 2
    assert gets[1].headers["Range"] == f"bytes={2**20}-"


def test_download_cut_every_time_is_one_line_and_resumable(
    fake_kaggle: FakeKaggle, large: bytes, tmp_path: Path  # noqa: F811
) -> None:
    fake_kaggle.cut_downloads = 6  # the first try and the client's five retries

    with pytest.raises(KaggleError) as caught:
        connect().download("large", tmp_path / "dl", progress=False)

    assert str(caught.value).startswith("the download of 'large' was interrupted")
    assert str(caught.value).endswith("run the command again to resume it")
    partial = tmp_path / "dl" / "large.zip"
    kept = partial.stat().st_size
    assert 0 < kept < len(large)

    archive = connect().download("large", tmp_path / "dl", progress=False)

    assert archive.read_bytes() == large
    assert fake_kaggle.calls("storage")[-1].headers["Range"] == f"bytes={kept}-"


# ---------------------------------------------------------------------------
# Submissions


@pytest.fixture
def submission(tmp_path: Path) -> Path:
    path = tmp_path / "submission.csv"
    path.write_text("PassengerId,Survived\n2,1\n")
    return path


def test_submit_and_wait_for_the_score(titanic: FakeKaggle, submission: Path) -> None:
    titanic.competitions["titanic"].pending_polls = 2
    titanic.competitions["titanic"].score = lambda content: "0." + str(content.count(b"\n"))

    result = connect().submit("titanic", submission, "resnet34, 5 epochs", wait=True,
                              timeout=30, poll_interval=0.01)

    assert result.status == "COMPLETE" and result.public_score == "0.2"
    assert result.ref == 1000 and result.error_description is None
    assert len(titanic.calls("GetSubmission")) == 3
    assert titanic.calls("upload")[0].body == submission.read_bytes()
    create = titanic.calls("CreateSubmission")[0].json()
    assert create["submissionDescription"] == "resnet34, 5 epochs"


def test_submit_without_waiting(titanic: FakeKaggle, submission: Path) -> None:
    result = connect().submit("titanic", submission, "m", wait=False, timeout=0)

    assert (result.status, result.public_score) == ("PENDING", None)
    assert titanic.calls("GetSubmission") == []


def test_submit_wait_times_out_as_pending(
    titanic: FakeKaggle, submission: Path, caplog: pytest.LogCaptureFixture
) -> None:
    titanic.competitions["titanic"].pending_polls = 10**6

    result = connect().submit("titanic", submission, "m", wait=True, timeout=0.2,
                              poll_interval=0.05)

    assert result.status == "PENDING"
    assert "is not scored after" in caplog.text


def test_submit_rides_out_a_rate_limited_poll(titanic: FakeKaggle, submission: Path) -> None:
    titanic.fail("GetSubmission", 429, times=2)

    result = connect().submit("titanic", submission, "m", wait=True, timeout=30,
                              poll_interval=0.01)

    assert result.status == "COMPLETE"


def test_daily_limit_reached_uploads_nothing(titanic: FakeKaggle, submission: Path) -> None:
    titanic.competitions["titanic"].used_today = 5

    with pytest.raises(SubmissionError) as caught:
        connect().submit("titanic", submission, "m", wait=True, timeout=30)

    message = str(caught.value)
    assert message.startswith("daily submission limit reached for titanic (5 used today)")
    assert "00:00 UTC" in message and "nothing was uploaded" in message
    assert titanic.calls("StartSubmissionUpload") == [] and titanic.calls("upload") == []


def test_zero_limits_mean_no_team_yet_not_a_reached_limit() -> None:
    assert not SubmissionLimits(0, 0, 0, False).on_team
    assert SubmissionLimits(5, 9, 0, False).on_team


def test_failed_upload_is_detected(titanic: FakeKaggle, submission: Path) -> None:
    titanic.fail_upload = True

    with pytest.raises(SubmissionError) as caught:
        connect().submit("titanic", submission, "m", wait=True, timeout=30)

    assert str(caught.value) == (
        "uploading submission.csv to 'titanic' failed (Could not submit to competition): "
        "nothing was submitted; retry later"
    )
    assert titanic.calls("CreateSubmission") == []


def test_scoring_error_carries_kaggles_reason(titanic: FakeKaggle, submission: Path) -> None:
    titanic.competitions["titanic"].error_description = "Submission must have 418 rows"

    with pytest.raises(SubmissionError) as caught:
        connect().submit("titanic", submission, "m", wait=True, timeout=30, poll_interval=0.01)

    assert str(caught.value) == (
        "Kaggle could not score submission 1000 to 'titanic': Submission must have 418 rows"
    )


def test_kernels_only_competition_refuses_before_uploading(
    fake_kaggle: FakeKaggle, submission: Path  # noqa: F811
) -> None:
    fake_kaggle.add_competition("rsna-code", BUNDLE, kernels_only=True)

    with pytest.raises(SubmissionError) as caught:
        connect().submit("rsna-code", submission, "m", wait=True, timeout=30)

    assert str(caught.value).startswith(
        "'rsna-code' takes submissions only from Kaggle notebooks"
    )
    assert fake_kaggle.calls("GetSubmissionLimits") == []
    assert fake_kaggle.calls("upload") == []


def test_submission_refused_by_kaggle_is_a_submission_error(
    titanic: FakeKaggle, submission: Path
) -> None:
    titanic.fail("CreateSubmission", 400)

    with pytest.raises(SubmissionError, match=r"Kaggle refused submitting to 'titanic' \(400"):
        connect().submit("titanic", submission, "m", wait=False, timeout=0)


def test_submit_without_accepted_rules(titanic: FakeKaggle, submission: Path) -> None:
    titanic.fail("GetSubmissionLimits", 403)

    with pytest.raises(KaggleError, match="You have not accepted the rules for 'titanic'"):
        connect().submit("titanic", submission, "m", wait=False, timeout=0)


# ---------------------------------------------------------------------------
# Lazy, quiet import and the subprocess route through HTTP_PROXY


def test_help_imports_neither_kaggle_nor_heavy_libraries() -> None:
    code = textwrap.dedent("""
        import sys
        from typer.testing import CliRunner
        from kagglekit.cli import app
        result = CliRunner().invoke(app, ["--help"])
        assert result.exit_code == 0, result.output
        loaded = [m for m in ("kaggle", "kagglesdk", "requests", "torch", "pandas")
                  if m in sys.modules]
        print(loaded)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)

    assert done.stdout.strip() == "[]"


def test_subprocess_reaches_the_fake_through_http_proxy(
    titanic: FakeKaggle, fake_kaggle_env: dict[str, str], tmp_path: Path  # noqa: F811
) -> None:
    code = textwrap.dedent(f"""
        from pathlib import Path
        from kagglekit.kaggle_client import connect
        connection = connect()
        info = connection.resolve("titanic")
        archive = connection.download(info.slug, Path({str(tmp_path / 'dl')!r}), progress=False)
        result = connection.submit(info.slug, archive, "via proxy", wait=True, timeout=30,
                                   poll_interval=0.01)
        print(info.slug, archive.stat().st_size, result.public_score)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=fake_kaggle_env)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"titanic {len(BUNDLE)} 0.75"
    assert {r.headers.get("Host") for r in titanic.requests} == {"localhost"}
    assert [r.rpc for r in titanic.requests if r.rpc] == [
        "ListCompetitions", "DownloadDataFiles", "ListCompetitions", "GetSubmissionLimits",
        "StartSubmissionUpload", "CreateSubmission", "GetSubmission"]
    assert titanic.calls("upload")[0].body == BUNDLE
