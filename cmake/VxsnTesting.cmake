include(GoogleTest)

# vxsn_add_gtest(NAME <target> SOURCES <files...> LABELS <labels...> [LIBS <libs...>] [SERIAL])
# One GoogleTest executable; every case becomes a CTest test carrying LABELS, so
# `ctest -L <area>` runs one area alone. SERIAL for tests that build network namespaces
# or otherwise must not run beside each other.
function(vxsn_add_gtest)
  cmake_parse_arguments(T "SERIAL" "NAME;TIMEOUT" "SOURCES;LABELS;LIBS" ${ARGN})
  if(NOT T_LABELS)
    message(FATAL_ERROR "vxsn_add_gtest(${T_NAME}): every test needs LABELS")
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  # Tests name only the options they set (designated initializers); the rest keep defaults.
  target_compile_options(${T_NAME} PRIVATE -Wno-missing-field-initializers)
  set(props TIMEOUT ${T_TIMEOUT})
  if(T_SERIAL)
    list(APPEND props RUN_SERIAL TRUE)
  endif()
  gtest_discover_tests(${T_NAME} DISCOVERY_MODE PRE_TEST TEST_LIST ${T_NAME}_TESTS
                       PROPERTIES ${props})
  # gtest_discover_tests flattens list-valued properties, so a second label would be read
  # as a property name. Labels are set by a script that runs after discovery instead.
  set(label_script ${CMAKE_CURRENT_BINARY_DIR}/${T_NAME}_labels.cmake)
  file(WRITE ${label_script}
       "foreach(t IN LISTS ${T_NAME}_TESTS)\n"
       "  set_tests_properties(\"\${t}\" PROPERTIES LABELS \"${T_LABELS}\")\n"
       "endforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${label_script})
endfunction()
