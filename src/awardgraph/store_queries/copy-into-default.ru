# title: Copy the named graphs into the default graph
# description: After each load, so that the default graph is the merge of all graphs
# (a triple stated in two graphs is copied once). Run by Store._load.
INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }
