# hotcheck_add_model(NAME SOURCES file.cpp... [EXPECT verified|violation|inconclusive|error]
#                    [MEMORY_MODEL rc11|rc11-paper|ra|sc] [ARGS arg...])
#
# Builds the executable NAME from SOURCES (C++ files registering models with HOTCHECK_MODEL),
# linked with hotcheck::hotcheck and hotcheck::model_main, whose main() checks every model in
# it like `hotcheck run --all`, and registers the ctest test NAME that passes when every model
# gives its expected verdict:
#   EXPECT        the verdict every model must give (default: the one each model declares with
#                 HOTCHECK_MODEL(name, .expect = ...), which is `verified` unless it says otherwise)
#   MEMORY_MODEL  the memory model for every model (default: each model's own, else rc11)
#   ARGS          more options of the program: --max-executions N, --timeout S, --max-events N,
#                 --spurious-cas, --explorer reference, --json FILE, -q, model names...
# The test's exit status is hotcheck's: 0 as expected, 1 violation or unexpected verdict,
# 2 model error, 3 inconclusive.
function(hotcheck_add_model name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "EXPECT;MEMORY_MODEL" "SOURCES;ARGS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "hotcheck_add_model(${name}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "hotcheck_add_model(${name}): SOURCES is required")
  endif()
  set(args)
  if(DEFINED arg_EXPECT)
    if(NOT arg_EXPECT MATCHES "^(verified|violation|inconclusive|error)$")
      message(FATAL_ERROR "hotcheck_add_model(${name}): EXPECT takes verified, violation, "
                          "inconclusive or error, not '${arg_EXPECT}'")
    endif()
    list(APPEND args --expect ${arg_EXPECT})
  endif()
  if(DEFINED arg_MEMORY_MODEL)
    if(NOT arg_MEMORY_MODEL MATCHES "^(rc11|rc11-paper|ra|sc)$")
      message(FATAL_ERROR "hotcheck_add_model(${name}): MEMORY_MODEL takes rc11, rc11-paper, ra "
                          "or sc, not '${arg_MEMORY_MODEL}'")
    endif()
    list(APPEND args --model ${arg_MEMORY_MODEL})
  endif()
  list(APPEND args ${arg_ARGS})

  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE hotcheck::model_main hotcheck::hotcheck)
  target_compile_features(${name} PRIVATE cxx_std_20)
  add_test(NAME ${name} COMMAND ${name} ${args})
  set_tests_properties(${name} PROPERTIES LABELS hotcheck)
endfunction()
