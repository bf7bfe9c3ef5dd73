/** Words for what a version 3 file needed repairing (spec 11), shared by verify and repair. */
export { describeRepairs as repairLines, needsRepair } from '../core/repair.ts';
