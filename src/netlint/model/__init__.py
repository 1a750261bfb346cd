"""The model in memory: layers, edges, inputs and outputs (graph), the `data:` section
(data, data_files) and the findings every stage reports (findings)."""
