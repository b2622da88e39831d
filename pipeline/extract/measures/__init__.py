"""What each number measures (docs/measures.md): the ``measures`` stage.

    cues     configs/measures.yaml compiled into patterns
    clauses  a sentence cut into clauses, and lists of numbers within one
    reading  one number read in its clause: indicator, kind, direction, basis
    context  the period and the place a figure holds for
    stage    the documents of a batch measured, article by article
"""
