# Runs `npm ci` for the dashboard's chart library in the build tree (cmake -P). Never fails the
# build: without npm, or offline, it records why in STATUS_FILE and the binary reports it.
# Inputs: NPM, SOURCE_DIR (package.json, package-lock.json), WORK_DIR, STATUS_FILE.
file(MAKE_DIRECTORY "${WORK_DIR}")
set(status "")
if(NOT NPM OR NOT EXISTS "${NPM}")
  set(status "npm was not found when sextant was built; install Node.js and npm, then rebuild")
else()
  configure_file("${SOURCE_DIR}/package.json" "${WORK_DIR}/package.json" COPYONLY)
  configure_file("${SOURCE_DIR}/package-lock.json" "${WORK_DIR}/package-lock.json" COPYONLY)
  execute_process(
    COMMAND "${NPM}" ci --no-audit --no-fund --prefer-offline --loglevel=error
    WORKING_DIRECTORY "${WORK_DIR}"
    RESULT_VARIABLE result
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output
    TIMEOUT 600)
  if(NOT result EQUAL 0)
    string(REGEX REPLACE "[\r\n]+" " " output "${output}")
    string(SUBSTRING "${output}" 0 300 output)
    set(status "npm ci failed when sextant was built (${output}); fix it (network, registry), delete ${STATUS_FILE} and rebuild")
  elseif(NOT EXISTS "${WORK_DIR}/node_modules/plotly.js-dist-min/plotly.min.js")
    set(status "npm ci did not install plotly.js-dist-min; delete ${STATUS_FILE} and rebuild")
  endif()
endif()
if(status)
  message(WARNING "dashboard: ${status}")
endif()
file(WRITE "${STATUS_FILE}" "${status}")
