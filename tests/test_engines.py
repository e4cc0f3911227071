"""The pandas, DuckDB and Spark engines of ev.aggregate give the same numbers (to 1e-9, counts exact).

DuckDB and PySpark are extras; without them these tests skip, except in CI (``CI=true``), where
or when .ci/run sets ``EVIDENCE_REQUIRE_ENGINES=1``, a missing engine (or Java for Spark) fails the
run: .ci/run installs them.
"""

from __future__ import annotations

import importlib
import os
import shutil

import numpy as np
import pandas as pd
import pytest

import evidence as ev

IN_CI = (os.environ.get("CI", "").lower() in ("1", "true", "yes")
         or os.environ.get("EVIDENCE_REQUIRE_ENGINES", "") not in ("", "0"))
COUNTS = ["numerator", "denominator", "n"]


def need(module: str):
    """Import an optional engine, or skip (fail in CI)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        if IN_CI:
            pytest.fail(f"{module} is not installed but CI must run the engine tests (.ci/run installs the extras)")
        pytest.skip(f"{module} not installed (pip install -e '.[duckdb,spark]')")


def records(n: int = 5000, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    eth = rng.choice(["White British", "Black Caribbean", "Indian", "Roma"], n, p=[0.6, 0.25, 0.145, 0.005])
    frame = pd.DataFrame({
        "ethnicity": np.where(rng.random(n) < 0.03, None, eth),
        "sex": rng.choice(["Female", "Male"], n),
        "imd_decile": rng.integers(1, 11, n).astype(float),
        "year": rng.choice(["2023", "2024"], n),
        "passed": rng.integers(0, 2, n).astype(float),
        "employed": rng.random(n) < 0.7,
        "score": rng.normal(48, 15, n),
        "weight": rng.uniform(0.3, 3.0, n),
    })
    frame.loc[rng.random(n) < 0.05, "imd_decile"] = np.nan
    frame.loc[rng.random(n) < 0.02, "score"] = np.nan
    frame.loc[rng.random(n) < 0.02, "passed"] = np.nan
    return frame


ARGS = dict(outcomes=["passed", "employed", "score"], by=["ethnicity", "sex", "imd_decile"], intersections=2,
            period="year")


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    key = ["indicator", "period", "characteristic", "group"]
    a, b = a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, rtol=1e-9, atol=0)
    for c in COUNTS:  # counts exactly equal and whole
        x = a[c].dropna()
        if c == "n" or "n_eff" not in a:
            assert (x == np.round(x)).all(), c


@pytest.fixture(scope="module")
def spark():
    need("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if IN_CI:
            pytest.fail("Java is missing: .ci/run installs openjdk-17-jre-headless")
        pytest.skip("Java is not installed")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[1]").appName("evidence-tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.parametrize("weight", [None, "weight"])
def test_duckdb_on_a_dataframe_agrees_with_pandas(weight):
    need("duckdb")
    r = records()
    same(ev.aggregate(r, weight=weight, **ARGS), ev.aggregate(r, weight=weight, engine="duckdb", **ARGS))


def test_duckdb_reads_parquet_and_csv_files_out_of_core_under_a_memory_limit(tmp_path):
    need("duckdb")
    r = records()
    r["employed"] = r["employed"].astype(int)
    for i, part in enumerate(np.array_split(np.arange(len(r)), 3)):
        r.iloc[part].to_parquet(tmp_path / f"part{i}.parquet")
    r.to_csv(tmp_path / "records.csv", index=False)
    want = ev.aggregate(r, weight="weight", **ARGS)
    got = ev.aggregate(str(tmp_path / "*.parquet"), weight="weight", engine="duckdb", memory_limit="256MB",
                       threads=1, **ARGS)
    same(want, got)
    from_csv = ev.aggregate(tmp_path / "records.csv", weight="weight", engine="duckdb", **ARGS)
    same(want, from_csv)
    assert not list(tmp_path.glob("*.tmp"))  # nothing left behind next to the data


def test_duckdb_reports_bad_values_with_the_column():
    need("duckdb")
    r = pd.DataFrame({"c": ["a", "b", "a"], "y": ["1", "0", "maybe"], "w": [1.0, -1.0, 1.0]})
    with pytest.raises(ev.EvidenceError, match=r"column 'y': 1 records have a value that is not a number"):
        ev.aggregate(r, "y", by="c", period="2024", engine="duckdb")
    with pytest.raises(ev.EvidenceError, match="missing or negative weight"):
        ev.aggregate(r.assign(y=[1, 0, 1]), "y", by="c", weight="w", period="2024", engine="duckdb")
    with pytest.raises(ev.EvidenceError, match="could not read"):
        ev.aggregate("/nonexistent/folder/*.parquet", "y", by="c", period="2024", engine="duckdb")


@pytest.mark.parametrize("weight", [None, "weight"])
def test_spark_agrees_with_pandas(spark, weight):
    r = records(3000)
    want = ev.aggregate(r, weight=weight, **ARGS)
    sdf = spark.createDataFrame([tuple(None if pd.isna(v) else v.item() if hasattr(v, "item") else v for v in row)
                                 for row in r.itertuples(index=False, name=None)], schema=list(r.columns))
    same(want, ev.aggregate(sdf, weight=weight, engine="spark", **ARGS))


def test_spark_takes_a_pandas_frame_in_the_given_session(spark):
    r = records(500)
    same(ev.aggregate(r, **ARGS), ev.aggregate(r, engine="spark", spark=spark, **ARGS))
