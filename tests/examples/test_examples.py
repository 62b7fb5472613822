"""Each example script, run as a user runs it, against a real server over the seed."""

import csv
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CSV_HEADER = "id,visitor_country,host_country,visitor,city,start_date,end_date,kind,tour_id,leg"
TDI_HAVANA_TITLE = (
    "TDI report from Havana, 16 June 2023: Raisi concludes three-nation tour of Latin America "
    "in Cuba"
)


class Run:
    """One example script running in its own interpreter, as a user runs it."""

    def __init__(self, script: str, *args: str, env_url: str | None = None) -> None:
        env = {k: v for k, v in os.environ.items() if k != "DIPLOMATIC_VISITS_URL"}
        env["PYTHONIOENCODING"] = "utf-8"
        if env_url is not None:
            env["DIPLOMATIC_VISITS_URL"] = env_url
        self.process = subprocess.Popen(
            [sys.executable, str(EXAMPLES / script), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self._result: tuple[int, str, str] | None = None

    def result(self) -> tuple[int, str, str]:
        """Exit code, standard output and standard error, once the script has finished."""
        if self._result is None:
            try:
                stdout, stderr = self.process.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                stdout, stderr = self.process.communicate()
            self._result = (self.process.returncode, stdout, stderr)
        return self._result

    def lines(self) -> list[str]:
        """Standard output as lines, after checking the script succeeded quietly."""
        code, stdout, stderr = self.result()
        assert (code, stderr) == (0, "")
        return stdout.splitlines()


@pytest.fixture(scope="module")
def runs(api_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    """Every run the tests below check, all started at once so their start-ups overlap."""
    out = tmp_path_factory.mktemp("examples-out") / "visits.csv"
    url = ("--base-url", api_url)
    started = {
        "tour": Run("tour_legs.py", *url),
        "havana": Run("havana_visit.py", *url),
        # The address from the environment instead of --base-url.
        "havana-unknown": Run("havana_visit.py", "no-such-visit", env_url=api_url),
        "between-file": Run(
            "visits_between.py",
            *("IR", "CU", "--from", "2023-01-01", "--to", "2023-12-31", "--out", str(out)),
            *url,
        ),
        "between-any-order": Run("visits_between.py", "cub", "irn", *url),
        "search": Run("search.py", "biotech", "--limit", "3", *url),
    }
    try:
        yield started
    finally:
        for run in started.values():
            run.result()


def test_tour_legs_in_order(runs: dict[str, Run]) -> None:
    assert runs["tour"].lines() == [
        "Ebrahim Raisi's three-nation tour of Latin America",
        "  Ebrahim Raisi (Iran), 2023-06-12 to 2023-06-15",
        "  1. Caracas, Venezuela     from 2023-06-12            2023-06-raisi-venezuela",
        "  2. Managua, Nicaragua     from 2023-06-13            2023-06-raisi-nicaragua",
        "  3. Havana, Cuba           2023-06-14 to 2023-06-15   2023-06-raisi-cuba",
    ]


def test_havana_visit_with_meetings_agreements_and_citations(runs: dict[str, Run]) -> None:
    output = runs["havana"].lines()
    assert output[:4] == [
        "Ebrahim Raisi (Iran) in Havana, Cuba",
        "  2023-06-14 to 2023-06-15; official visit",
        "  leg 3 of tour 2023-06-raisi-latin-america",
        "  reported by [1][2][3][4]",
    ]
    meetings = output[output.index("Meetings (7)") + 1 : output.index("Agreements (3)") - 1]
    assert meetings == [
        "  2023-06-14  Arrival at Jose Marti International Airport "
        "(welcome ceremony, Jose Marti International Airport) [5][6][7]",
        "  2023-06-15  Talks between Presidents Raisi and Diaz-Canel "
        "(bilateral talks, Palace of the Revolution) [8]",
        "  2023-06-15  Signing ceremony of Iran–Cuba bilateral cooperation documents "
        "(signing ceremony, Palace of the Revolution) [9][10][11]",
        "  undated     Meeting of Iranian and Cuban businesspeople (business forum) [12][13]",
        "  undated     Visit to the Center for Genetic Engineering and Biotechnology (CIGB) and "
        "the vaccine production line (site visit, Center for Genetic Engineering and "
        "Biotechnology (CIGB)) [14]",
        "  undated     Meeting with former President Raul Castro (courtesy call) [15]",
        "  undated     Welcoming ceremony for Raisi with President Diaz-Canel "
        "(welcome ceremony) [16]",
    ]
    # EFE and Radio Reloj name Cuba's foreign minister; the seed article does not.
    named = "Bruno Rodriguez Parrilla"
    agreements = output[output.index("Agreements (3)") + 1 : output.index("Citations (20)") - 1]
    assert agreements == [
        f"  2023-06-15  signed  6 × cooperation document (CU, IR); signed by {named} and "
        "Hossein Amir-Abdollahian [17][18]",
        f"  2023-06-15  signed  memorandum of understanding (CU, IR); signed by {named} and "
        "Hossein Amir-Abdollahian [17][19]",
        "  undated     agreed  Joint commission on technological cooperation (CU, IR) [20]",
    ]
    citations = output[output.index("Citations (20)") + 1 : output.index("Sources (6)") - 1]
    assert [line.split("]")[0] for line in citations] == [f"  [{n}" for n in range(1, 21)]
    assert citations[7] == (
        "  [8] TDI: “President Raisi met with his Cuban counterpart, Miguel Diaz-Canel, at the "
        "Palace of the Revolution in Havana on June 15. The two leaders explored various ways "
        "and means to foster their bilateral relations.”"
    )
    # The same words supporting two agreements are one citation, numbered once.
    assert citations[16] == (
        "  [17] TDI: “The foreign ministers of the two countries signed six cooperation documents "
        "and a memorandum of understanding during the ceremony.”"
    )
    sources = output[output.index("Sources (6)") + 1 :]
    assert sources[0] == f"  TDI: {TDI_HAVANA_TITLE}"
    assert len(sources) == 6


def test_havana_visit_unknown_id_is_reported(runs: dict[str, Run]) -> None:
    assert runs["havana-unknown"].result() == (
        1,
        "",
        "error: Not found: No visit has the id 'no-such-visit'.\n",
    )


def test_visits_between_to_a_csv_file(runs: dict[str, Run]) -> None:
    (line,) = runs["between-file"].lines()
    out = Path(line.split(" written to ")[1])
    assert line == f"1 visit between IR and CU written to {out}"
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,visitor_country,")
    assert raw.endswith(b"\r\n")
    with out.open(encoding="utf-8-sig", newline="") as saved:
        rows = list(csv.reader(saved))
    assert rows == [
        CSV_HEADER.split(","),
        [
            "2023-06-raisi-cuba",
            "IR",
            "CU",
            "Ebrahim Raisi",
            "Havana",
            "2023-06-14",
            "2023-06-15",
            "official",
            "2023-06-raisi-latin-america",
            "3",
        ],
    ]


def test_visits_between_to_standard_output_either_order_and_code(runs: dict[str, Run]) -> None:
    # "cub irn": the other order, alpha-3, lower case; no range: every visit of the pair.
    assert runs["between-any-order"].lines() == [
        CSV_HEADER,
        "2023-06-raisi-cuba,IR,CU,Ebrahim Raisi,Havana,2023-06-14,2023-06-15,official,"
        "2023-06-raisi-latin-america,3",
    ]


def test_search_prints_ranked_hits(runs: dict[str, Run], api_url: str) -> None:
    output = runs["search"].lines()
    # Scores are the API's own (how much of each title the word is); the script prints them.
    hits = httpx.get(f"{api_url}/v1/search", params={"q": "biotech", "limit": 3}).json()
    scores = [f"{hit['score']:6.2f}" for hit in hits["items"]]
    assert output == [
        f"3 of {hits['total']} hits for “biotech”",
        f"  1. {scores[0]}  topic       biotechnology",
        "     biotechnology",
        f"  2. {scores[1]}  statement   2023-06-raisi-praises-cuban-biotechnology",
        "     He also praised Cuba’s research and capabilities in the field of biotechnology.",
        f"  3. {scores[2]}  statement   2023-06-amir-abdollahian-focus-of-cooperation",
        "     The focus of cooperation is in the fields of biotechnology, technology, medicine, "
        "and energy,",
    ]
    assert [hit["score"] for hit in hits["items"]] == sorted(
        (hit["score"] for hit in hits["items"]), reverse=True
    )


@pytest.mark.parametrize(
    "command",
    [
        ["tour_legs.py"],
        ["havana_visit.py"],
        ["visits_between.py", "IR", "CU"],
        ["search.py", "biotech"],
    ],
)
def test_a_closed_pipe_ends_an_example_quietly(command: list[str], api_url: str) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written, as `| head` may be
    with os.fdopen(write, "w") as stdout:
        result = subprocess.run(
            [sys.executable, str(EXAMPLES / command[0]), *command[1:], "--base-url", api_url],
            stdout=stdout,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    assert result.stderr == b""
    assert result.returncode == 1
