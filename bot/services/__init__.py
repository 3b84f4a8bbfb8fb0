"""Domain operations shared by chat, dashboard, CLI and jobs: each state change of a record in one function."""
