"""Open Referral HSDS 3.0 in and out for the service directory: the JSON of full services and the
tabular CSV package (``minga export hsds --output DIR``, ``minga import hsds DIR``)."""
