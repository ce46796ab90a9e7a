-- wrk script for bench/load.py: one wrk thread = one connection = one signed-in compliance officer
-- (run wrk with as many threads as connections). bench/load.py writes each officer's file (cookie, CSRF
-- token, answers) into the run folder given as the first script argument; the second argument is the mode:
--   flow   start an assessment, GET and POST every section, check page, complete, result page, PDF, again: an
--          open loop (after the PDF's first answer, 200 or 202, the officer starts the next assessment at once)
--   wait   the same, but an officer who waits for the PDF: after a 202 it asks for report.pdf again every
--          1.5 s (as the progress page's script polls) until the PDF itself comes (200), then starts the next
--   get    GET one prepared section page over and over
--   post   POST one prepared section over and over, each time changing an answer (a real save)
--   reference  GET /healthz (one database query) over and over: the machine's reference
-- Every response is written to <folder>/log-<n>.txt as "endpoint status milliseconds finished-at" (the
-- finishing time in CLOCK_MONOTONIC seconds, as Python's time.monotonic()); after an error page (5xx) the
-- officer waits 200 ms before going on, as a person would; every saved answer
-- as "saved <assessment> <code> <value> [<revision>]", so that bench/load.py can check that none was lost.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")
local function now()
   ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
   return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

local threads = 0
function setup(thread)
   threads = threads + 1
   thread:set("officer", threads)
end

local folder, mode, log
local cookie, token, answers = "", "", {}
local fixed = {}                  -- get/post modes: path, body with {revision} and {value}, two values
local state, path, method, body, name
local assessment, revision, started, iteration = nil, 0, 0, 0
local pending = {}                -- answers sent in the section POST in flight
local pause = 0                   -- ms to wait before the next request: an officer reads an error page first
local ramp = 0                    -- ms this officer waits before starting (bench/load.py --ramp)

local function urlencode(s)
   return (tostring(s):gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
   folder, mode = args[1], args[2]
   -- the officers' start spread over a ramp: officer n asks for /healthz first (wrk sends every thread's first
   -- request at once) and then waits (n - 1) x args[3] ms before its first page
   ramp = (officer - 1) * (tonumber(args[3]) or 0)
   local file = assert(io.open(folder .. "/officer-" .. officer .. ".txt"))
   cookie = file:read("*l")
   token = file:read("*l")
   for line in file:lines() do
      local key, value = line:match("^([^=]+)=(.*)$")
      if key then answers[key] = value end
   end
   file:close()
   log = assert(io.open(folder .. "/log-" .. officer .. ".txt", "w"))
   log:setvbuf("line")
   if mode == "flow" or mode == "wait" then
      state = ramp > 0 and "ramp" or "new"
   else
      fixed.path, fixed.body = answers["@path"], answers["@body"]
      fixed.values = { answers["@value1"], answers["@value2"] }
      fixed.code, fixed.assessment = answers["@code"], answers["@assessment"]
      revision = tonumber(answers["@revision"])
      state = mode
   end
end

local function go(location)
   -- where a redirect leads, as the officer's next page
   if location:find("/step/", 1, true) then
      state, path = "step", location
   elseif location:find("/check/", 1, true) then
      state = "check"
   elseif location:find("/result/", 1, true) then
      state = "result"
   elseif assessment then
      state = "resume"
   else
      state = "new"
   end
end

function delay()
   return pause
end

function request()
   method, body = "GET", nil
   local base = assessment and ("/assessments/" .. assessment) or ""
   if state == "new" then
      name, path = "start GET", "/assessments/new/"
   elseif state == "new post" then
      iteration = iteration + 1
      name, method, path = "start POST", "POST", "/assessments/new/"
      body = "csrfmiddlewaretoken=" .. token .. "&ai_model=new&new_model_name=" ..
          urlencode("Model " .. officer .. "-" .. iteration .. "-" .. now())
   elseif state == "resume" then
      name, path = "resume", base .. "/"
   elseif state == "step" then
      name = "wizard GET"
   elseif state == "step post" then
      name, method = "wizard POST", "POST"
   elseif state == "check" then
      name, path = "check", base .. "/check/"
   elseif state == "complete" then
      name, method, path = "complete", "POST", base .. "/complete/"
      body = "csrfmiddlewaretoken=" .. token
   elseif state == "result" then
      name, path = "result", base .. "/result/"
   elseif state == "pdf" then
      name, path = "pdf", base .. "/report.pdf"
   elseif state == "pdf wait" then
      name, path = "pdf again", base .. "/report.pdf"
   elseif state == "get" then
      name, path = "wizard GET", fixed.path
   elseif state == "reference" then
      name, path = "healthz (reference)", "/healthz"
   elseif state == "ramp" then
      name, path = "ramp", "/healthz"
   elseif state == "post" then
      name, method, path = "wizard POST", "POST", fixed.path
      body = fixed.body:gsub("{revision}", revision):gsub("{value}", fixed.values[revision % 2 + 1])
   end
   if state == "step post" then body = pending.body end
   local headers = { Cookie = cookie }
   if body then headers["Content-Type"] = "application/x-www-form-urlencoded" end
   started = now()
   return wrk.format(method, path, headers, body)
end

local function section_post(page)
   -- the answers of the officer's scenario for the questions this section shows
   local step = path:match("/step/([^/]+)/?$")
   local seen = page:match('name="seen_revision" value="(%d+)"')
   if not step or not seen then return nil end
   local parts = { "csrfmiddlewaretoken=" .. token, "assessment-" .. assessment .. "-current_step=" .. step,
      "seen_revision=" .. seen }
   local sent = {}
   for code in page:gmatch('data%-question="([%w_]+)"') do
      local value = answers[code]
      if value and value ~= "" then
         parts[#parts + 1] = step .. "-" .. code .. "=" .. urlencode(value)
         sent[code] = value
      end
   end
   return { body = table.concat(parts, "&"), sent = sent }
end

function response(status, headers, page)
   local finished = now()
   log:write(name, "\t", status, "\t", string.format("%.2f", (finished - started) * 1000), "\t",
      string.format("%.3f", finished), "\n")
   pause = (status >= 500) and 200 or 0
   local waiting = status == 202 and (state == "pdf" or state == "pdf wait") and mode == "wait"
   local location = headers["Location"] or ""
   if state == "ramp" then
      state, pause = "new", ramp
   elseif state == "new" then
      state = status == 200 and "new post" or "new"
   elseif state == "new post" then
      assessment = location:match("/assessments/([%x%-]+)/")
      if status == 302 and assessment then go(location) else state = "new" end
   elseif state == "resume" then
      if status == 302 then go(location) end
   elseif state == "step" then
      if status == 200 then
         pending = section_post(page)
         state = pending and "step post" or "resume"
      else
         state = "resume"
      end
   elseif state == "step post" then
      if status == 302 then
         for code, value in pairs(pending.sent) do
            log:write("saved\t", assessment, "\t", code, "\t", value, "\n")
         end
         go(location)
      else
         state = "resume"   -- what an officer does after an error page: open the assessment again
      end
   elseif state == "check" then
      state = status == 200 and "complete" or "resume"
   elseif state == "complete" then
      state = status == 302 and "result" or "resume"
   elseif state == "result" then
      state = status == 200 and "pdf" or "resume"
   elseif state == "pdf" or state == "pdf wait" then
      if waiting then
         state, pause = "pdf wait", 1500 -- the progress page: ask again in 1.5 s
      elseif status == 200 or status == 202 or state == "pdf wait" then
         assessment, state = nil, "new"  -- (a waiting officer also gives up on a failed render)
      end
   elseif state == "post" then
      if status == 302 then
         log:write("saved\t", fixed.assessment, "\t", fixed.code, "\t", fixed.values[revision % 2 + 1], "\t",
            revision + 1, "\n")
         revision = revision + 1
      elseif status == 200 then -- refused as a concurrent edit (someone saved since): go on from the page's revision
         revision = tonumber(page:match('name="seen_revision" value="(%d+)"')) or revision
      end
   end
end
