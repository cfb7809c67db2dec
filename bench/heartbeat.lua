-- wrk: heartbeats from a fleet of runners rn_bench_1 .. rn_bench_N, each request a random runner,
-- or with "sweep" every runner in turn (a warm-up that has the service know the whole fleet, as
-- it does when every runner beats every 30 s).
-- usage: wrk -s bench/heartbeat.lua ... -- N [sweep]
local fleet = 10000
local sweep = false
local next_runner = 0
local body = '{"status":"online","version":"1.0.0","active_jobs":0,"system_info":{"cpu":0.2}}'
local threads = 0

function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

function init(args)
  if args[1] then fleet = tonumber(args[1]) end
  sweep = args[2] == "sweep"
  -- each thread its own sequence: the same seed would make both threads beat the same runners
  math.randomseed(os.time() * 1000 + thread_number * 7919 + math.floor(os.clock() * 1000000))
  next_runner = math.floor(thread_number * fleet / 2)
end

function request()
  local runner
  if sweep then
    runner = next_runner % fleet + 1
    next_runner = next_runner + 1
  else
    runner = math.random(1, fleet)
  end
  local headers = { ["X-Runner-Token"] = "rn_bench_" .. runner, ["Content-Type"] = "application/json" }
  return wrk.format("POST", "/api/runners/heartbeat", headers, body)
end
