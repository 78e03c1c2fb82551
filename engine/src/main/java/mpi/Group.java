package mpi;

import dev.river.mpi.impl.MpiError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An ordered set of processes, as in MPI: build one from a communicator's group, then make a
 * communicator from it with {@link Intracomm#create}.
 *
 * <pre>{@code
 * Group world = MPI.COMM_WORLD.getGroup();
 * Group evens = world.incl(new int[]{0, 2, 4});
 * Intracomm evenComm = MPI.COMM_WORLD.create(evens);     // null communicator on odd ranks
 * }</pre>
 */
public final class Group implements Freeable {
    /** World ranks of the members, in group order. */
    final int[] members;
    private boolean freed;

    Group(int[] members) {
        this.members = members;
    }

    /** MPI_GROUP_SIZE. */
    public int getSize() throws MPIException {
        MPI.check();
        return members.length;
    }

    /** MPI_GROUP_RANK: this process's rank in the group, or {@code MPI.UNDEFINED}. */
    public int getRank() throws MPIException {
        MPI.check();
        int me = MPI.rank().world;
        for (int i = 0; i < members.length; i++) if (members[i] == me) return i;
        return MPI.UNDEFINED;
    }

    @Override public void free() throws MPIException {
        MPI.check();
        freed = true;
    }

    public boolean isNull() {
        return freed;
    }

    /** MPI_GROUP_TRANSLATE_RANKS: the ranks in {@code group2} of {@code ranks1} of {@code group1} (UNDEFINED where absent). */
    public static int[] translateRanks(Group group1, int[] ranks1, Group group2) throws MPIException {
        MPI.check();
        int[] out = new int[ranks1.length];
        for (int i = 0; i < ranks1.length; i++) {
            int r = ranks1[i];
            if (r == MPI.PROC_NULL) {
                out[i] = MPI.PROC_NULL;
                continue;
            }
            group1.check(r, "translateRanks");
            out[i] = group2.indexOf(group1.members[r]);
        }
        return out;
    }

    /** MPI_GROUP_COMPARE: IDENT (same members, same order), SIMILAR (same members) or UNEQUAL. */
    public static int compare(Group group1, Group group2) throws MPIException {
        MPI.check();
        if (Arrays.equals(group1.members, group2.members)) return MPI.IDENT;
        int[] a = group1.members.clone(), b = group2.members.clone();
        Arrays.sort(a);
        Arrays.sort(b);
        return Arrays.equals(a, b) ? MPI.SIMILAR : MPI.UNEQUAL;
    }

    /** MPI_GROUP_UNION: members of group1, then those of group2 not in group1. */
    public static Group union(Group group1, Group group2) throws MPIException {
        MPI.check();
        Set<Integer> s = new LinkedHashSet<>();
        for (int m : group1.members) s.add(m);
        for (int m : group2.members) s.add(m);
        return of(s);
    }

    /** MPI_GROUP_INTERSECTION: members of group1 that are in group2, in group1's order. */
    public static Group intersection(Group group1, Group group2) throws MPIException {
        MPI.check();
        List<Integer> s = new ArrayList<>();
        for (int m : group1.members) if (group2.indexOf(m) != MPI.UNDEFINED) s.add(m);
        return of(s);
    }

    /** MPI_GROUP_DIFFERENCE: members of group1 not in group2, in group1's order. */
    public static Group difference(Group group1, Group group2) throws MPIException {
        MPI.check();
        List<Integer> s = new ArrayList<>();
        for (int m : group1.members) if (group2.indexOf(m) == MPI.UNDEFINED) s.add(m);
        return of(s);
    }

    /** MPI_GROUP_INCL: the members at {@code ranks}, in that order. */
    public Group incl(int[] ranks) throws MPIException {
        MPI.check();
        int[] out = new int[ranks.length];
        Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < ranks.length; i++) {
            check(ranks[i], "incl");
            if (!seen.add(ranks[i])) throw MPI.worldError(new MpiError(MpiError.ERR_RANK, "incl: rank " + ranks[i] + " is listed twice"));
            out[i] = members[ranks[i]];
        }
        return new Group(out);
    }

    /** MPI_GROUP_EXCL: the members not at {@code ranks}, in group order. */
    public Group excl(int[] ranks) throws MPIException {
        MPI.check();
        Set<Integer> drop = new java.util.HashSet<>();
        for (int r : ranks) {
            check(r, "excl");
            drop.add(r);
        }
        List<Integer> s = new ArrayList<>();
        for (int i = 0; i < members.length; i++) if (!drop.contains(i)) s.add(members[i]);
        return of(s);
    }

    /** MPI_GROUP_RANGE_INCL: ranks given as (first, last, stride) triplets. */
    public Group rangeIncl(int[][] ranges) throws MPIException {
        return incl(expand(ranges));
    }

    /** MPI_GROUP_RANGE_EXCL. */
    public Group rangeExcl(int[][] ranges) throws MPIException {
        return excl(expand(ranges));
    }

    private int[] expand(int[][] ranges) throws MPIException {
        List<Integer> out = new ArrayList<>();
        for (int[] t : ranges) {
            if (t.length != 3 || t[2] == 0) {
                throw MPI.worldError(new MpiError(MpiError.ERR_ARG, "a range is (first, last, stride) with a non-zero stride, got " + Arrays.toString(t)));
            }
            for (int r = t[0]; t[2] > 0 ? r <= t[1] : r >= t[1]; r += t[2]) out.add(r);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private void check(int r, String what) throws MPIException {
        if (r < 0 || r >= members.length) {
            throw MPI.worldError(new MpiError(MpiError.ERR_RANK, what + ": rank " + r + " is not in the group of " + members.length));
        }
    }

    private int indexOf(int world) {
        for (int i = 0; i < members.length; i++) if (members[i] == world) return i;
        return MPI.UNDEFINED;
    }

    private static Group of(java.util.Collection<Integer> s) {
        return new Group(s.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override public String toString() {
        return "Group" + Arrays.toString(members);
    }
}
