"""Skills pages, split by subject (the app is past the size where one module reads well; STYLE "Comments and
docs"): exam sessions and scores, certificates, documents (PDFs), public verification, training and
competitions."""
