#!/bin/sh
# Prints the UTC moment SECONDS from now (default 180) as `run --start-at` takes it, for START_AT:
#   export START_AT=$(deploy/kubernetes/start-at.sh 180)     # e.g. 2026-12-02T12:03:00Z
# POSIX sh and awk, so no GNU `date -d` nor BSD `date -v`; `date +%s` is in GNU, BSD and macOS,
# BusyBox and POSIX.1-2024. A second argument, epoch seconds, replaces "now" (for tests).
set -eu
seconds=${1:-180}
from=${2:-$(date -u +%s)}
for n in "$seconds" "$from"; do
  case $n in
    '' | *[!0-9]*)
      echo "usage: start-at.sh [SECONDS [EPOCH_SECONDS]]" >&2
      exit 2
      ;;
  esac
done
# Days since 1970-01-01 to a civil date: Howard Hinnant's civil_from_days, in awk's arithmetic.
awk -v t="$((from + seconds))" 'BEGIN {
  days = int(t / 86400); s = t - days * 86400
  z = days + 719468; era = int(z / 146097); doe = z - era * 146097
  yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
  doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
  mp = int((5 * doy + 2) / 153)
  d = doy - int((153 * mp + 2) / 5) + 1
  m = mp < 10 ? mp + 3 : mp - 9
  y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  printf "%04d-%02d-%02dT%02d:%02d:%02dZ\n", y, m, d, int(s / 3600), int((s % 3600) / 60), s % 60
}'
