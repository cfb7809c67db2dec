-- wrk: heartbeats from a fleet of runners rn_bench_1 .. rn_bench_N, each request a random runner.
-- usage: wrk -s bench/heartbeat.lua ... -- N
local fleet = 10000
local body = '{"status":"online","version":"1.0.0","active_jobs":0,"system_info":{"cpu":0.2}}'

function init(args)
  if args[1] then fleet = tonumber(args[1]) end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  local headers = { ["X-Runner-Token"] = "rn_bench_" .. math.random(1, fleet),
                    ["Content-Type"] = "application/json" }
  return wrk.format("POST", "/api/runners/heartbeat", headers, body)
end
