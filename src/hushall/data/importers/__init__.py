"""Stage 1, continued: the municipality's own exports into the workbook (``hushall import``).

* :mod:`~hushall.data.importers.sie` reads SIE files (types 1–4), :mod:`~hushall.data.importers.kommunbas`
  maps their accounts to sheet Ekonomi through the Kommun-Bas table (``kommunbas.csv``);
* :mod:`~hushall.data.importers.assets` turns an asset register into Anläggningar and Komponenter with a
  column layout (``layouts/*.yaml``) and keyword tables (``keywords.yaml``);
* :mod:`~hushall.data.importers.investment_plan` turns the council's investment plan into Projekt;
* :mod:`~hushall.data.importers.workbook` writes the result: a new workbook, or only the owned sheets of the
  user's workbook, atomically.

The sub-package imports only from :mod:`hushall.data` and :mod:`hushall.errors`: it is part of the data stage
and knows nothing of the model or the analysis.
"""
