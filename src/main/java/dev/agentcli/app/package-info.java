/**
 * The application layer: what every way in (the CLI's commands, the MCP server, the Claude Code
 * hook, a resident server) shares. {@link dev.agentcli.app.Settings} resolves where the state lives
 * (operator configuration, then flags, then environment, then defaults), {@link
 * dev.agentcli.app.Services} wires the domain's services to it for the life of the process, {@link
 * dev.agentcli.app.GatedRun} is the one path by which a task runs (claim and run, or ask, wait and
 * run on an approval), {@link dev.agentcli.app.Views} and {@link dev.agentcli.app.Notifications}
 * turn what happened into JSON and deliveries. Nothing here knows a command or picocli.
 */
package dev.agentcli.app;
