// placeholder: replaced by the real subcommand
