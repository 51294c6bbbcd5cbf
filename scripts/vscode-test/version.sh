# The VS Code under test: code-server 4.100.3 bundles VS Code 1.100, the lowest version engines.vscode accepts, and
# runs on the project's Node 20. Sourced by install.sh; read by the TypeScript launch helpers too.
CODE_SERVER_VERSION=4.100.3
