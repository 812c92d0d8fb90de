# cmake -DGRAFT=<graft executable> -DPAGE=<docs/plugins.md> -P check_plugin_reference.cmake
# Only the built-in plugins: a GRAFT_PLUGIN_PATH of the environment must not leak into the page.
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env --unset=GRAFT_PLUGIN_PATH ${GRAFT} plugins doc
  OUTPUT_VARIABLE generated
  ERROR_VARIABLE errors
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "`graft plugins doc` failed (exit ${status}):\n${errors}")
endif()
file(READ ${PAGE} committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR "${PAGE} is stale: a built-in plugin's schema, summary or version changed since it "
                      "was generated. Regenerate it from the build folder and commit the result:\n"
                      "  GRAFT_PLUGIN_PATH= build/bin/graft plugins doc > docs/plugins.md")
endif()
