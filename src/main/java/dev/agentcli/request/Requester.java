package dev.agentcli.request;

/**
 * Who asked: a principal (the agent's or session's label when given, else the OS user), the OS user
 * (the real one under sudo), the host and the process. Outside the privilege-separated deployment
 * these are what the asking process says of itself.
 */
public record Requester(String principal, String osUser, String host, long pid) {}
