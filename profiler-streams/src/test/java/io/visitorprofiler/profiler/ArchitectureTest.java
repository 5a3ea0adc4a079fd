package io.visitorprofiler.profiler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The shape of profiler-streams, enforced by the build. */
@AnalyzeClasses(
    packages = "io.visitorprofiler.profiler",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule topologyKnowsNoWebLayer =
      noClasses()
          .that()
          .resideInAPackage("..profiler.topology..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.javalin..", "..profiler.http..", "..profiler.state..")
          .because(
              "the topology is built and tested with TopologyTestDriver alone; HTTP wires to it, not the other way");

  @ArchTest
  static final ArchRule handlersDoNotTouchStoresDirectly =
      noClasses()
          .that()
          .resideInAPackage("..profiler.http..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.rocksdb..", "org.apache.kafka..")
          .because(
              "HTTP handlers read state through VisitorQueries and SegmentDefinitions, whose implementations in ..state.. own the interactive queries");

  @ArchTest
  static final ArchRule evaluationIsIndependentOfKafka =
      noClasses()
          .that()
          .resideInAnyPackage("..profiler.rules..", "..profiler.segment..", "..profiler.profile..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.kafka..", "io.javalin..")
          .because(
              "compiling and evaluating rules on a profile are pure functions, unit-tested without Kafka");

  @ArchTest
  static final ArchRule noJdbc =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAPackage("java.sql..")
          .because(
              "the profiler keeps its state in Kafka Streams stores; SQL belongs to segment-sink");
}
