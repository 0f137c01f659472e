import { readFileSync, rmSync } from 'node:fs';
import { SessionLog } from './src/core/log.ts';
import { Runner } from './src/core/runner.ts';
import { resolveSources } from './src/backup/discs/layout.ts';
import { writeDisc } from './src/backup/discs/write.ts';
import { resolveDrive } from './src/devices/optical/drives.ts';
const info = JSON.parse(readFileSync('/var/tmp/fa-disc-bench-ztGoLY/info.json','utf8'));
const log = new SessionLog(); const runner = new Runner({ log });
process.env.FIRSTAID_WORK_DIR='/var/tmp/fa-disc-bench-ztGoLY';
for (let i=0;i<2;i++){
const iso='/var/tmp/fa-disc-bench-ztGoLY/t.iso'; rmSync(iso,{force:true});
const drive = await resolveDrive(iso);
const entries = await resolveSources([info.id, '/var/tmp/fa-disc-bench-ztGoLY/home'], info.storeDir, new Date());
let t=Date.now(); const t0=t; let last='';
await writeDisc({runner,log},{drive,mediaBlocks:2_295_104,entries,newDisc:false,close:false,date:new Date(),staged:null,check:false,onProgress:(p)=>{ if(p.stage!==last){console.log(last,Date.now()-t); t=Date.now(); last=p.stage;} }});
console.log(last, Date.now()-t, 'total', Date.now()-t0);
}
