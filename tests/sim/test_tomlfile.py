import pytest
from carepath.sim.tomlfile import read_toml, read_toml_text


class RefusedError(ValueError):
    pass


def test_reads_data_and_text(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text('name = "x"\n', encoding="utf-8")
    assert read_toml(path, what="scenario", error=RefusedError) == {"name": "x"}
    assert read_toml_text(path, what="scenario", error=RefusedError) == (
        {"name": "x"},
        'name = "x"\n',
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, r"absent\.toml: no such scenario file$"),
        (b"[broken\n", r"absent\.toml: not a valid TOML file \(.+\)$"),
        (b"\xff\xfe", r"absent\.toml: not a valid TOML file \(.+\)$"),
    ],
)
def test_one_line_error_of_the_callers_type_naming_the_file(tmp_path, content, message):
    path = tmp_path / "absent.toml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RefusedError, match=message) as caught:
        read_toml(path, what="scenario", error=RefusedError)
    assert "\n" not in str(caught.value)


def test_unreadable_path_is_named(tmp_path):
    with pytest.raises(RefusedError, match=r": cannot read \(Is a directory\)$"):
        read_toml(tmp_path, what="experiment", error=RefusedError)
