package org.mlj.serving.repository;

import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which of the version directories found under a model's base path are served: TF Serving's
 * {@code model_version_policy} ({@code latest}, {@code all}, {@code specific}). Immutable.
 */
public sealed interface VersionPolicy {

    /** The versions to serve out of those available on disk (and not failed). */
    SortedSet<Long> select(NavigableSet<Long> onDisk);

    /** The default policy: the newest version only. */
    static VersionPolicy latest() {
        return new Latest(1);
    }

    /** The {@code num_versions} newest versions. */
    record Latest(int numVersions) implements VersionPolicy {
        /** Checks the count. */
        public Latest {
            if (numVersions < 1) {
                throw new IllegalArgumentException("latest { num_versions } must be at least 1, got " + numVersions);
            }
        }

        @Override
        public SortedSet<Long> select(NavigableSet<Long> onDisk) {
            TreeSet<Long> chosen = new TreeSet<>();
            for (Long version : onDisk.descendingSet()) {
                if (chosen.size() == numVersions) {
                    break;
                }
                chosen.add(version);
            }
            return chosen;
        }
    }

    /** Every version on disk. */
    record All() implements VersionPolicy {
        @Override
        public SortedSet<Long> select(NavigableSet<Long> onDisk) {
            return new TreeSet<>(onDisk);
        }
    }

    /** The listed versions, those that exist. */
    record Specific(Set<Long> versions) implements VersionPolicy {
        /** Copies the set. */
        public Specific {
            versions = Set.copyOf(versions);
            if (versions.isEmpty()) {
                throw new IllegalArgumentException("specific { versions } needs at least one version");
            }
        }

        /** The listed versions. */
        public static Specific of(List<Long> versions) {
            return new Specific(Set.copyOf(versions));
        }

        @Override
        public SortedSet<Long> select(NavigableSet<Long> onDisk) {
            TreeSet<Long> chosen = new TreeSet<>(onDisk);
            chosen.retainAll(versions);
            return chosen;
        }
    }
}
