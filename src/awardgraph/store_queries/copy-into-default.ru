# title: Copy the named graphs into the default graph
# description: Once the data files are loaded, so that the default graph is the merge of all
# graphs (a triple stated in two graphs is copied once). Run by Store.load_files.
INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }
