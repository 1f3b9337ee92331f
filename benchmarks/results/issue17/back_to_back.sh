#!/bin/sh
# back to back: the issue-5 model (c08190c) and today's, 1.1M x 10 years, one thread each
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
PY=/work/main/.venv/bin/python
for i in 1 2; do
  (cd /tmp/bench17/old && PYTHONPATH=/tmp/bench17/old $PY -m benchmarks.runner ours 1100000 10 | sed 's/^/old /')
  (cd /work/main && PYTHONPATH=/work/main $PY -m benchmarks.runner ours 1100000 10 | sed 's/^/new /')
done
# as issue 17 ran it: no thread variables
unset OMP_NUM_THREADS OPENBLAS_NUM_THREADS MKL_NUM_THREADS
(cd /work/main && $PY -m benchmarks.runner ours 1100000 10 | sed 's/^/new-nothreadenv /')
