// The tests start gateways in this process, as the entry points do: nothing is sent to Apollo
// (a closed network makes every gateway stop wait on the unreachable host).
process.env.APOLLO_TELEMETRY_DISABLED = 'true';
