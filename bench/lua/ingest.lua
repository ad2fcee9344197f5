-- wrk script for POST /message with seed 000 bodies (README "HTTP API").
-- Every request carries a different body: one of 10,000 users on a rotating platform and
-- priority, with a sequence number in the content, so the server threads, indexes and stores
-- real variety instead of one cached row. Counts responses per status in each thread; done()
-- prints one JSON line (prefixed BENCH_JSON) that bench/run reads.
--
-- Environment: BENCH_TOKEN (bearer token), BENCH_PATH (default /message).

local token = os.getenv("BENCH_TOKEN") or ""
local path = os.getenv("BENCH_PATH") or "/message"
local platforms = {"Discord", "Telegram", "Twitter"}
local priorities = {"Low", "Normal", "Normal", "High"}
local phrases = {
    "Where is my order?", "I need a refund for order", "My package arrived damaged",
    "Can I change my delivery address?", "How do I reset my password?",
    "The app crashes when I open settings", "Do you ship to Canada?",
    "I was charged twice for", "Please cancel my subscription", "Thanks, that solved it!",
}

local threads = {}
local counter = 0

function setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    statuses = {}
    seq = 0
    math.randomseed(id * 7919)
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
    seq = seq + 1
    local user = math.random(1, 10000)
    local body = string.format(
        '{"user_id":"u%d","platform":"%s","content":"%s #%d-%d","priority":"%s",' ..
        '"thread_id":null,"metadata":{"order":"A-%d","source":"bench"}}',
        user, platforms[(user % 3) + 1], phrases[(seq % #phrases) + 1], id, seq,
        priorities[(seq % 4) + 1], seq)
    return wrk.format(nil, path, nil, body)
end

function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
    local total = {}
    for _, t in ipairs(threads) do
        local s = t:get("statuses")
        for code, n in pairs(s) do
            total[code] = (total[code] or 0) + n
        end
    end
    local parts = {}
    for code, n in pairs(total) do
        table.insert(parts, string.format('"%d":%d', code, n))
    end
    local errors = summary.errors
    io.write(string.format(
        'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
        '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
        '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f},' ..
        '"statuses":{%s}}\n',
        summary.requests, summary.duration, summary.bytes,
        errors.connect, errors.read, errors.write, errors.status, errors.timeout,
        latency:percentile(50), latency:percentile(90), latency:percentile(99),
        latency:percentile(99.9), latency.max, latency.mean, table.concat(parts, ",")))
end
