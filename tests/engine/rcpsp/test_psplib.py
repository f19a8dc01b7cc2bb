"""PSPLIB reader, and the genetic algorithm on PSPLIB instances of known optimum."""

from pathlib import Path

import numpy as np
import pytest

from pmo.engine.rcpsp import (
    InvalidInstance,
    check_schedule,
    genetic_algorithm,
    parse_sm,
    read_sm,
    read_solutions,
)

# j301_1.sm from PSPLIB (Kolisch & Sprecher 1996), verbatim but for trailing spaces;
# optimal makespan 43.
J301_1 = """\
************************************************************************
file with basedata            : j30_17.bas
initial value random generator: 28123
************************************************************************
projects                      :  1
jobs (incl. supersource/sink ):  32
horizon                       :  158
RESOURCES
  - renewable                 :  4   R
  - nonrenewable              :  0   N
  - doubly constrained        :  0   D
************************************************************************
PROJECT INFORMATION:
pronr.  #jobs rel.date duedate tardcost  MPM-Time
    1     30      0       38       26       38
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          3           2   3   4
   2        1          3           6  11  15
   3        1          3           7   8  13
   4        1          3           5   9  10
   5        1          1          20
   6        1          1          30
   7        1          1          27
   8        1          3          12  19  27
   9        1          1          14
  10        1          2          16  25
  11        1          2          20  26
  12        1          1          14
  13        1          2          17  18
  14        1          1          17
  15        1          1          25
  16        1          2          21  22
  17        1          1          22
  18        1          2          20  22
  19        1          2          24  29
  20        1          2          23  25
  21        1          1          28
  22        1          1          23
  23        1          1          24
  24        1          1          30
  25        1          1          30
  26        1          1          31
  27        1          1          28
  28        1          1          31
  29        1          1          32
  30        1          1          32
  31        1          1          32
  32        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1  R 2  R 3  R 4
------------------------------------------------------------------------
  1      1     0       0    0    0    0
  2      1     8       4    0    0    0
  3      1     4      10    0    0    0
  4      1     6       0    0    0    3
  5      1     3       3    0    0    0
  6      1     8       0    0    0    8
  7      1     5       4    0    0    0
  8      1     9       0    1    0    0
  9      1     2       6    0    0    0
 10      1     7       0    0    0    1
 11      1     9       0    5    0    0
 12      1     2       0    7    0    0
 13      1     6       4    0    0    0
 14      1     3       0    8    0    0
 15      1     9       3    0    0    0
 16      1    10       0    0    0    5
 17      1     6       0    0    0    8
 18      1     5       0    0    0    7
 19      1     3       0    1    0    0
 20      1     7       0   10    0    0
 21      1     2       0    0    0    6
 22      1     7       2    0    0    0
 23      1     2       3    0    0    0
 24      1     3       0    9    0    0
 25      1     3       4    0    0    0
 26      1     7       0    0    4    0
 27      1     8       0    0    0    7
 28      1     3       0    8    0    0
 29      1     7       0    7    0    0
 30      1     2       0    7    0    0
 31      1     2       0    0    2    0
 32      1     0       0    0    0    0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1  R 2  R 3  R 4
   12   13    4   12
************************************************************************
"""

PSPLIB = next(
    (
        p
        for p in (
            Path("/work/shared/benchmarks/psplib"),
            Path(__file__).resolve().parents[3] / ".." / "shared" / "benchmarks" / "psplib",
        )
        if (p / "j30").is_dir()
    ),
    None,
)


def test_parse_j301_1():
    project = parse_sm(J301_1, name="j301_1")
    inst = project.instance
    assert (project.name, project.critical_path, project.horizon) == ("j301_1", 38, 158)
    assert (inst.n_activities, inst.n_resources) == (32, 4)
    assert inst.capacity[:, 0].tolist() == [12, 13, 4, 12]
    assert inst.durations[:6].tolist() == [0, 8, 4, 6, 3, 8]
    assert inst.demands[2].tolist() == [10, 0, 0, 0]
    assert inst.edges[:3].tolist() == [[0, 1], [0, 2], [0, 3]]
    assert inst.edges.shape == (48, 2)
    assert int(inst.durations[-1]) == 0


def test_genetic_algorithm_reaches_the_optimum_of_j301_1():
    inst = parse_sm(J301_1).instance
    result = genetic_algorithm(inst, schedules=1000, seed=0)
    assert result.makespan == 43
    assert result.violation == 0
    assert check_schedule(inst, result.start) == ()


def test_read_sm_and_solutions_from_files(tmp_path):
    (tmp_path / "j301_1.sm").write_text(J301_1)
    (tmp_path / "j30opt.sm").write_text(
        "header line\n Par Inst Makespan\n  1    1    43   0.0\n  1    2    47   0.1\n"
    )
    assert read_sm(tmp_path / "j301_1.sm").name == "j301_1"
    assert read_solutions(tmp_path / "j30opt.sm") == {(1, 1): 43, (1, 2): 47}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello", "not a PSPLIB .sm file: no 'jobs (incl. supersource/sink )' line"),
        (
            J301_1.replace("- nonrenewable              :  0", "- nonrenewable              :  2"),
            "only renewable resources are supported",
        ),
        (
            J301_1.replace(
                "   2        1          3           6  11  15",
                "   2        3          3           6  11  15",
            ),
            "job 2 has 3 modes; only single-mode is supported",
        ),
        (
            J301_1.split("RESOURCEAVAILABILITIES")[0],
            "not a PSPLIB .sm file: no RESOURCEAVAILABILITIES section",
        ),
    ],
)
def test_parse_errors(text, message):
    with pytest.raises(InvalidInstance) as err:
        parse_sm(text)
    assert str(err.value) == message


@pytest.mark.skipif(
    PSPLIB is None, reason="PSPLIB data folder (../shared/benchmarks/psplib) absent"
)
@pytest.mark.parametrize(("name", "optimum"), [("j301_2", 47), ("j302_1", 38), ("j3017_1", 64)])
def test_genetic_algorithm_reaches_psplib_optima(name, optimum):
    project = read_sm(PSPLIB / "j30" / f"{name}.sm")
    result = genetic_algorithm(project.instance, schedules=1000, seed=0)
    assert result.makespan == optimum
    assert check_schedule(project.instance, result.start) == ()
    assert np.all(result.start >= 0)
