#!/usr/bin/env bash
# Regenerates the spreadsheet-program workbooks under test/support/workbooks/ from their CSV sources with LibreOffice
# (apt-get install libreoffice-calc); the .xlsx files are committed, so CI needs no LibreOffice.
# The first column is imported as Text (so 00123 keeps its zeros); the others are typed by LibreOffice (numbers, dates).
set -euo pipefail
cd "$(dirname "$0")/../test/support/workbooks"
for csv in libreoffice-*.csv; do
  soffice --headless --infilter='CSV:44,34,76,1,1/2' --convert-to xlsx:"Calc MS Excel 2007 XML" "$csv" --outdir .
done
