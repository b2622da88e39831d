"""The recipe that builds the name models in data/models/ from ../shared/data.

Run it as ``python -m training`` (``make train``).  Corpora are read from
``$PIPELINE_CORPORA`` (default ``../shared/data``); intermediate files go to
``training/work/`` (git-ignored); only the packaged models and the model card
land in ``data/models/``.
"""
