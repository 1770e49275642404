"""Who may do what, above the store: the one permission question (permissions), accounts and passwords, sign-in
sessions and throttling, the sign-in gate's pages and headers, the accessibility statement. A rule about who may
change or see something goes in permissions, and nowhere else."""
