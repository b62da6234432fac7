"""The Python peer of `tierwise lifetime fit --model bgnbd --summary FILE` (bench/lifetime-cli-bench.mjs).

    python bench/lifetimes_fit.py FILE [--collapse]

Reads the summary CSV with pandas and fits the `lifetimes` package's BetaGeoFitter (penalizer 0),
as its documentation does. With --collapse, identical (frequency, recency, T) rows are first
grouped with pandas and passed as `weights` (the option lifetimes offers for this). Prints one JSON
line: the parameters, the package versions and the time of each step inside the process.
"""
import json
import sys
import time

started = time.perf_counter()
import numpy
import pandas as pd
import scipy
import lifetimes
from lifetimes import BetaGeoFitter

imported = time.perf_counter()
data = pd.read_csv(sys.argv[1])
read = time.perf_counter()
fitter = BetaGeoFitter(penalizer_coef=0.0)
rows = len(data)
if "--collapse" in sys.argv[2:]:
    grouped = data.groupby(["frequency", "recency", "T"]).size().reset_index(name="weight")
    rows = len(grouped)
    fitter.fit(grouped["frequency"], grouped["recency"], grouped["T"], weights=grouped["weight"])
else:
    fitter.fit(data["frequency"], data["recency"], data["T"])
fitted = time.perf_counter()
print(
    json.dumps(
        {
            "params": {k: float(v) for k, v in fitter.params_.items()},
            "rows_fitted": int(rows),
            "versions": {
                "python": sys.version.split()[0],
                "lifetimes": lifetimes.__version__,
                "pandas": pd.__version__,
                "numpy": numpy.__version__,
                "scipy": scipy.__version__,
            },
            "seconds": {
                "import": imported - started,
                "read_csv": read - imported,
                "fit": fitted - read,
            },
        }
    )
)
